namespace SmartLoudspeaker.Controller.Fleet.Storage;

/// <summary>The fleet's collections and document keys (docs/storage.md, "Collections"): the on-disk names, never renamed.</summary>
internal static class FleetCollections
{
    public const string Nodes = "nodes";
    public const string Health = "health";
    public const string HealthHourly = "health_hourly";
    public const string Events = "events";

    /// <summary>The meta document holding the last event number handed out (the events' numbering counter).</summary>
    public const string EventSeqKey = "eventSeq";

    /// <summary>The meta document holding the end of the last aggregated hour.</summary>
    public const string AggregatedKey = "aggregated";

    /// <summary>
    /// A key that sorts by node, then time: "{node}|{ticks:D19}". Node ids cannot contain '|', so one node's range
    /// is contiguous in the primary index and a node's history is one index range scan, not a filter.
    /// </summary>
    public static string NodeKey(string nodeId, long number) =>
        nodeId + "|" + number.ToString("D19", System.Globalization.CultureInfo.InvariantCulture);
}
