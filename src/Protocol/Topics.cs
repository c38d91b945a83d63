namespace SmartLoudspeaker.Protocol;

/// <summary>
/// The topic tree (docs/protocol.md, "Topics"). Every topic a component publishes or subscribes to is built here,
/// and every topic it receives is parsed here, so the tree has one definition.
/// </summary>
public static class Topics
{
    /// <summary>Root of the tree; the version level lets a future incompatible tree live beside this one.</summary>
    public const string Root = "sl/v1";

    /// <summary>Retained controller presence (online, or offline by its Last Will).</summary>
    public const string ControllerState = Root + "/controller/state";

    /// <summary>What the controller subscribes to: every message a node sends, and every node's request to join.</summary>
    public static readonly IReadOnlyList<string> ControllerSubscriptions =
    [
        Root + "/node/+/birth",
        Root + "/node/+/death",
        Root + "/node/+/health",
        Root + "/node/+/event",
        Root + "/node/+/ack",
        Root + "/node/+/time-req",
        Root + "/enrol/+/request",
    ];

    /// <summary>Retained Controller signing-key certificates, one topic per key id; nodes subscribe to all.</summary>
    public const string ControllerKeys = Root + "/controller/keys/+";

    /// <summary>Retained root-signed revocation list.</summary>
    public const string ControllerRevocations = Root + "/controller/revocations";

    /// <summary>The retained certificate topic of one signing key.</summary>
    public static string ForControllerKey(string kid) =>
        Identifiers.IsValid(kid) ? Root + "/controller/keys/" + kid : throw new ArgumentException($"'{kid}' is not a valid key id.", nameof(kid));

    private const string NodePrefix = Root + "/node/";

    private static readonly Dictionary<NodeMessageKind, string> LevelByKind = new()
    {
        [NodeMessageKind.Birth] = "birth",
        [NodeMessageKind.Death] = "death",
        [NodeMessageKind.Health] = "health",
        [NodeMessageKind.Event] = "event",
        [NodeMessageKind.EventAck] = "evack",
        [NodeMessageKind.Command] = "cmd",
        [NodeMessageKind.CommandAck] = "ack",
        [NodeMessageKind.TimeRequest] = "time-req",
        [NodeMessageKind.TimeReply] = "time-resp",
    };

    private static readonly Dictionary<string, NodeMessageKind> KindByLevel =
        LevelByKind.ToDictionary(pair => pair.Value, pair => pair.Key, StringComparer.Ordinal);

    /// <summary>The topic of one node's messages of one kind.</summary>
    public static string ForNode(string nodeId, NodeMessageKind kind)
    {
        if (!Identifiers.IsValid(nodeId))
        {
            throw new ArgumentException($"'{nodeId}' is not a valid node id.", nameof(nodeId));
        }

        return NodePrefix + nodeId + "/" + LevelByKind[kind];
    }

    /// <summary>Commands addressed to every node of a zone.</summary>
    public static string ForZoneCommands(string zone)
    {
        if (!Identifiers.IsValid(zone))
        {
            throw new ArgumentException($"'{zone}' is not a valid zone id.", nameof(zone));
        }

        return Root + "/zone/" + zone + "/cmd";
    }

    /// <summary>Commands addressed to the whole fleet.</summary>
    public const string FleetCommands = Root + "/all/cmd";

    /// <summary>What the controller subscribes to for enrolment: every node's request to join.</summary>
    public const string EnrolmentRequests = Root + "/enrol/+/request";

    /// <summary>Where a node asks to join, on the shared enrolment account.</summary>
    public static string ForEnrolmentRequest(string nodeId) => EnrolmentTopic(nodeId, "request");

    /// <summary>Where the controller tells a waiting node what became of its request.</summary>
    public static string ForEnrolmentStatus(string nodeId) => EnrolmentTopic(nodeId, "status");

    /// <summary>Parses <c>sl/v1/enrol/{nodeId}/request</c>; false for anything else.</summary>
    public static bool TryParseEnrolmentRequest(string? topic, out string nodeId)
    {
        nodeId = string.Empty;
        const string prefix = Root + "/enrol/";
        const string suffix = "/request";
        if (topic is null || !topic.StartsWith(prefix, StringComparison.Ordinal) || !topic.EndsWith(suffix, StringComparison.Ordinal)
            || topic.Length <= prefix.Length + suffix.Length)
        {
            return false;
        }

        var candidate = topic[prefix.Length..^suffix.Length];
        if (!Identifiers.IsValid(candidate))
        {
            return false;
        }

        nodeId = candidate;
        return true;
    }

    private static string EnrolmentTopic(string nodeId, string level) =>
        Identifiers.IsValid(nodeId) ? Root + "/enrol/" + nodeId + "/" + level
            : throw new ArgumentException($"'{nodeId}' is not a valid node id.", nameof(nodeId));

    /// <summary>Parses <c>sl/v1/node/{nodeId}/{kind}</c>; false for anything else, including malformed ids.</summary>
    public static bool TryParseNodeTopic(string? topic, out NodeTopic parsed)
    {
        parsed = default;
        if (topic is null || !topic.StartsWith(NodePrefix, StringComparison.Ordinal))
        {
            return false;
        }

        var rest = topic.AsSpan(NodePrefix.Length);
        var slash = rest.IndexOf('/');
        if (slash <= 0)
        {
            return false;
        }

        var nodeId = rest[..slash].ToString();
        var level = rest[(slash + 1)..].ToString();
        if (!Identifiers.IsValid(nodeId) || !KindByLevel.TryGetValue(level, out var kind))
        {
            return false;
        }

        parsed = new NodeTopic(nodeId, kind);
        return true;
    }
}
