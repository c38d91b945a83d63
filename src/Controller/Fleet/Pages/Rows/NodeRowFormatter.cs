using SmartLoudspeaker.Controller.Fleet.Api;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Controller.Zones;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Rows;

/// <summary>Turns a node's state into the words and figures a technician reads, in one culture and time zone.</summary>
internal sealed class NodeRowFormatter(UiText text, CommuneClock clock, FleetOptions thresholds, IZoneNames zones)
{
    /// <summary>Shown where a figure is unknown, so an empty cell is never mistaken for a broken page.</summary>
    public const string Unknown = "—";

    public static NodeCondition ConditionOf(NodeState node, IReadOnlyList<NodeFault> faults) =>
        !node.Online ? NodeCondition.Offline : faults.Count > 0 ? NodeCondition.Fault : NodeCondition.Ok;

    public static string ConditionValue(NodeCondition condition) => condition.ToString().ToLowerInvariant();

    /// <param name="node">The node.</param>
    /// <param name="show">Whether it matches the page's filter.</param>
    /// <param name="order">The page's order, for the row's sort key; null where rows are not ordered (a node page).</param>
    public NodeRow Format(NodeState node, bool show = true, FleetQuery? order = null)
    {
        var faults = FaultRules.Derive(node, thresholds);
        var condition = ConditionOf(node, faults);
        var health = node.Health;
        var culture = text.Culture;
        var diskUsed = health is null ? null : FaultRules.DiskUsedPercent(health.Memory.DiskTotalMb, health.Memory.DiskFreeMb);
        return new NodeRow
        {
            Id = node.Id,
            Condition = ConditionValue(condition),
            Show = show,
            Key = order?.SortKey(node, thresholds) ?? [],
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["zones"] = ZoneNames(node.Zones),
                ["state"] = text["Condition." + condition],
                ["seen"] = clock.Short(node.LastSeen, culture),
                ["temp"] = Aged(node, health?.Cpu.TempC is { } temp ? text.Format("Unit.Celsius", temp) : null),
                ["signal"] = Aged(node, health?.Link.SignalDbm is { } signal ? text.Format("Unit.Dbm", signal) : null),
                ["clock"] = Aged(node, health is null ? null : ClockText(health.Clock.Synced, health.Clock.OffsetMs)),
                ["disk"] = Aged(node, diskUsed is { } used ? text.Format("Unit.PercentUsed", used) : null),
                ["heartbeat"] = HeartbeatText(node),
                // From the node's own count in its latest health, so the list costs no store query per row.
                ["security"] = health?.RefusedCommands is > 0 and var refused ? text.Format("Security.Badge", refused) : string.Empty,
                ["faults"] = faults.Count == 0 ? text["Fault.None"] : string.Join("; ", faults.Select(fault => FaultName(fault.Code))),
            },
        };
    }

    /// <summary>
    /// A zone as people read it: the name technicians gave it (the zone registry), or while it has none its id with a
    /// "zone" word before it.
    /// </summary>
    public string ZoneName(string zone) => zones.NameOf(zone) ?? text.Format("Zone.Label", zone);

    public string FaultName(string code) =>
        text.Has("Fault." + code) ? text["Fault." + code] : text.Format("Fault.Other", code);

    /// <summary>The node's stated heartbeat, and the cap liveness uses instead when it stated more.</summary>
    private string HeartbeatText(NodeState node)
    {
        var believed = (int)Liveness.Believed(node.Heartbeat, thresholds.MaxHeartbeat).TotalSeconds;
        return believed < node.HeartbeatSeconds
            ? text.Format("Unit.HeartbeatCapped", node.HeartbeatSeconds, believed)
            : text.Format("Unit.Seconds", node.HeartbeatSeconds);
    }

    private string ZoneNames(IReadOnlyList<string> zones) => string.Join(", ", zones.Select(ZoneName));

    /// <summary>
    /// A figure of an offline node is its last report, not its state now: it says so and when, so that a technician does
    /// not take "synchronised, 45 °C" for the present.
    /// </summary>
    private string Aged(NodeState node, string? figure) =>
        figure is null ? Unknown
        : node.Online || node.HealthReceivedAt is not { } at ? figure
        : text.Format("Stale.Value", figure, clock.Short(at, text.Culture));

    private string ClockText(bool synced, double? offsetMs) =>
        (synced, offsetMs) switch
        {
            (true, { } offset) => text.Format("Clock.SyncedOffset", offset),
            (true, null) => text["Clock.Synced"],
            (false, _) => text["Clock.NotSynced"],
        };
}
