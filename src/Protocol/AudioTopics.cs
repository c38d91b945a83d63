namespace SmartLoudspeaker.Protocol;

/// <summary>
/// The live-audio topics (docs/protocol.md, "Live audio packets"): the same three targets as commands — one node, a
/// zone, the whole fleet — each with the stream's id as the last level, so a node knows a packet's stream from where
/// it arrived before it reads a byte.
/// </summary>
public static class AudioTopics
{
    private const string Level = "/audio/";

    /// <summary>A stream to one node.</summary>
    public static string ForNode(string nodeId, string streamId) => Root("node", nodeId) + Checked(streamId);

    /// <summary>A stream to every node of a zone.</summary>
    public static string ForZone(string zone, string streamId) => Root("zone", zone) + Checked(streamId);

    /// <summary>A stream to every node.</summary>
    public static string ForFleet(string streamId) => Topics.Root + "/all" + Level + Checked(streamId);

    /// <summary>What a node subscribes to for its own streams; with <see cref="ZoneFilter"/> and <see cref="FleetFilter"/>, all it may hear.</summary>
    public static string NodeFilter(string nodeId) => Root("node", nodeId) + "+";

    /// <summary>What a node subscribes to for a zone it was approved for.</summary>
    public static string ZoneFilter(string zone) => Root("zone", zone) + "+";

    /// <summary>What a node subscribes to for streams to the whole fleet.</summary>
    public const string FleetFilter = Topics.Root + "/all" + Level + "+";

    /// <summary>The stream id a live-audio topic ends in; false for any other topic or a malformed id.</summary>
    public static bool TryParseStreamId(string? topic, out string streamId)
    {
        streamId = string.Empty;
        if (topic is null || !topic.StartsWith(Topics.Root + "/", StringComparison.Ordinal))
        {
            return false;
        }

        var at = topic.LastIndexOf(Level, StringComparison.Ordinal);
        if (at < 0)
        {
            return false;
        }

        var candidate = topic[(at + Level.Length)..];
        if (!Identifiers.IsValid(candidate))
        {
            return false;
        }

        streamId = candidate;
        return true;
    }

    private static string Root(string kind, string id) =>
        Identifiers.IsValid(id) ? Topics.Root + "/" + kind + "/" + id + Level : throw new ArgumentException($"'{id}' is not a valid {kind} id.", nameof(id));

    private static string Checked(string streamId) =>
        Identifiers.IsValid(streamId) ? streamId : throw new ArgumentException($"'{streamId}' is not a valid stream id.", nameof(streamId));
}
