using SmartLoudspeaker.Controller.Fleet.Storage;

namespace SmartLoudspeaker.Controller.Fleet.Api;

/// <summary>Maps the fleet's internal state to the API's records.</summary>
internal static class NodeViews
{
    public static NodeSummary Summary(NodeState node, FleetOptions options) => new()
    {
        Id = node.Id,
        Online = node.Online,
        StateSince = node.StateSince,
        LastSeen = node.LastSeen,
        Zones = node.Zones,
        Software = node.Software,
        HardwareModel = node.Hardware.Model,
        HeartbeatSeconds = node.HeartbeatSeconds,
        BelievedHeartbeatSeconds = BelievedSeconds(node, options),
        Capabilities = node.Capabilities,
        Health = node.Health,
        HealthReceivedAt = node.HealthReceivedAt,
        Faults = FaultRules.Derive(node, options),
    };

    public static NodeDetail Detail(
        NodeState node, FleetOptions options, IReadOnlyList<HealthRecord> history, IReadOnlyList<EventRecord> events) => new()
    {
        Id = node.Id,
        Online = node.Online,
        StateSince = node.StateSince,
        LastSeen = node.LastSeen,
        Zones = node.Zones,
        Software = node.Software,
        HardwareModel = node.Hardware.Model,
        HeartbeatSeconds = node.HeartbeatSeconds,
        BelievedHeartbeatSeconds = BelievedSeconds(node, options),
        Capabilities = node.Capabilities,
        Health = node.Health,
        HealthReceivedAt = node.HealthReceivedAt,
        Faults = FaultRules.Derive(node, options),
        Hardware = node.Hardware,
        BdSeq = node.BdSeq,
        History = history.Select(record => new HealthSample(record.ReceivedAt, record.Health)).ToArray(),
        Events = events.Select(Event).ToArray(),
    };

    public static NodeEventEntry Event(EventRecord record) => new()
    {
        Seq = record.Seq,
        Id = record.Event.Id,
        Kind = record.Event.Kind,
        Severity = record.Event.Severity,
        Code = record.Event.Code,
        Text = record.Event.Text,
        Ts = record.Event.Ts,
        ReceivedAt = record.ReceivedAt,
    };

    public static HourlyHealthSample Hourly(HealthAggregate aggregate) => new()
    {
        Hour = aggregate.Hour,
        Samples = aggregate.Samples,
        ClockSyncedShare = aggregate.ClockSyncedShare,
        CpuTempC = Range(aggregate.CpuTempC),
        Load1 = Range(aggregate.Load1)!,
        SignalDbm = Range(aggregate.SignalDbm),
        MemoryAvailableMb = Range(aggregate.MemoryAvailableMb)!,
        DiskFreeMb = Range(aggregate.DiskFreeMb)!,
    };

    private static int BelievedSeconds(NodeState node, FleetOptions options) =>
        (int)Liveness.Believed(node.Heartbeat, options.MaxHeartbeat).TotalSeconds;

    private static FigureRange? Range(MinAvgMax? figures) => figures is null ? null : new FigureRange(figures.Min, figures.Avg, figures.Max);
}
