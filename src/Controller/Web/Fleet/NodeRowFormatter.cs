using SmartLoudspeaker.Controller.Api;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Web.Fleet;

/// <summary>Turns a node's state into the words and figures a technician reads, in one culture and time zone.</summary>
internal sealed class NodeRowFormatter(UiText text, CommuneClock clock, FleetOptions thresholds)
{
    /// <summary>Shown where a figure is unknown, so an empty cell is never mistaken for a broken page.</summary>
    public const string Unknown = "—";

    public static NodeCondition ConditionOf(NodeState node, IReadOnlyList<NodeFault> faults) =>
        !node.Online ? NodeCondition.Offline : faults.Count > 0 ? NodeCondition.Fault : NodeCondition.Ok;

    public static string ConditionValue(NodeCondition condition) => condition.ToString().ToLowerInvariant();

    public NodeRow Format(NodeState node, bool show = true)
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
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["zones"] = string.Join(", ", node.Zones),
                ["state"] = text["Condition." + condition],
                ["seen"] = clock.Short(node.LastSeen, culture),
                ["temp"] = health?.Cpu.TempC is { } temp ? text.Format("Unit.Celsius", temp) : Unknown,
                ["signal"] = health?.Link.SignalDbm is { } signal ? text.Format("Unit.Dbm", signal) : Unknown,
                ["clock"] = health is null ? Unknown : ClockText(health.Clock.Synced, health.Clock.OffsetMs),
                ["disk"] = diskUsed is { } used ? text.Format("Unit.PercentUsed", used) : Unknown,
                // From the node's own count in its latest health, so the list costs no store query per row.
                ["security"] = health?.RefusedCommands is > 0 and var refused ? text.Format("Security.Badge", refused) : string.Empty,
                ["faults"] = faults.Count == 0 ? text["Fault.None"] : string.Join("; ", faults.Select(fault => FaultName(fault.Code))),
            },
        };
    }

    public string FaultName(string code) =>
        text.Has("Fault." + code) ? text["Fault." + code] : text.Format("Fault.Other", code);

    private string ClockText(bool synced, double? offsetMs) =>
        (synced, offsetMs) switch
        {
            (true, { } offset) => text.Format("Clock.SyncedOffset", offset),
            (true, null) => text["Clock.Synced"],
            (false, _) => text["Clock.NotSynced"],
        };
}
