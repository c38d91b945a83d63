using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Access;

/// <summary>
/// Who may publish and subscribe where (docs/protocol.md, "Who may publish and subscribe where"), as one pure rule
/// source: the embedded broker checks every publish and subscription against it, and the Mosquitto ACL file is
/// written from the same entries, so both brokers apply the same table.
/// </summary>
internal static class BrokerAccessRules
{
    /// <summary>The enrolment account's client id on the embedded broker is this prefix and the node id it enrols.</summary>
    public const string EnrolmentClientIdPrefix = "enrol-";

    /// <summary>Metrics label of a publish outside <c>sl/v1/</c>.</summary>
    public const string OutsideTree = "outside-tree";

    /// <summary>Metrics label of a retained publish under <c>sl/v1/node/</c>: nothing there is ever retained.</summary>
    public const string RetainedNodeTopic = "retained-node-topic";

    /// <summary>Metrics label of a retained publish elsewhere than under <c>sl/v1/controller/</c>.</summary>
    public const string RetainedElsewhere = "retained";

    /// <summary>Metrics label of a publish on a topic the account's list does not grant.</summary>
    public const string PublishNotPermitted = "publish-not-permitted";

    /// <summary>Metrics label of a subscription to a filter the account's list does not cover.</summary>
    public const string SubscribeNotPermitted = "subscribe-not-permitted";

    private const string Root = Topics.Root + "/";
    private const string NodeRoot = Root + "node/";
    private const string ControllerRoot = Root + "controller/";

    /// <summary>
    /// The access list of <paramref name="account"/>. For the enrolment account, <paramref name="enrollingNodeId"/> binds
    /// it to one node id's request and status topics (the embedded broker knows it from the client id); without one
    /// (Mosquitto, which forces the client id to the username) it covers every node id's.
    /// </summary>
    public static IReadOnlyList<BrokerAccessEntry> For(BrokerAccount account, string? enrollingNodeId = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        return account.Kind switch
        {
            BrokerAccountKind.Controller => ControllerEntries,
            BrokerAccountKind.Node => NodeEntries(account),
            BrokerAccountKind.Observer => ObserverEntries,
            BrokerAccountKind.Enrolment => EnrolmentEntries(enrollingNodeId),
            _ => [],
        };
    }

    /// <summary>The node id an enrolment client id <c>enrol-{nodeId}</c> names, or null when it names none.</summary>
    public static string? EnrollingNodeId(string? clientId)
    {
        if (clientId is null || !clientId.StartsWith(EnrolmentClientIdPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var nodeId = clientId[EnrolmentClientIdPrefix.Length..];
        return Identifiers.IsValid(nodeId) ? nodeId : null;
    }

    /// <summary>Null when <paramref name="account"/> may publish on <paramref name="topic"/>, else the refusal's metrics label.</summary>
    public static string? PublishRefusal(BrokerAccount account, string topic, bool retained, string? enrollingNodeId = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(topic);
        if (!topic.StartsWith(Root, StringComparison.Ordinal) || topic.Contains('+', StringComparison.Ordinal) || topic.Contains('#', StringComparison.Ordinal))
        {
            return OutsideTree;
        }

        // Any topic under the node prefix, parsed or not: a retained birth would be handed to the Controller on every
        // resubscribe as if the node had just said it (issue 10's fake birth).
        if (retained && topic.StartsWith(NodeRoot, StringComparison.Ordinal))
        {
            return RetainedNodeTopic;
        }

        if (retained && !topic.StartsWith(ControllerRoot, StringComparison.Ordinal))
        {
            return RetainedElsewhere;
        }

        foreach (var entry in For(account, enrollingNodeId))
        {
            if (entry.Access == BrokerAccess.Publish && TopicPatterns.Matches(entry.Pattern, topic))
            {
                return null;
            }
        }

        return PublishNotPermitted;
    }

    /// <summary>True when <paramref name="account"/> may publish on <paramref name="topic"/>.</summary>
    public static bool MayPublish(BrokerAccount account, string topic, bool retained, string? enrollingNodeId = null) =>
        PublishRefusal(account, topic, retained, enrollingNodeId) is null;

    /// <summary>
    /// True when every topic <paramref name="filter"/> can match is covered by one of the account's subscribe patterns,
    /// so a wildcard cannot reach past the list (a node asking for <c>sl/v1/node/+/cmd</c> gets nothing).
    /// </summary>
    public static bool MaySubscribe(BrokerAccount account, string filter, string? enrollingNodeId = null)
    {
        ArgumentNullException.ThrowIfNull(account);
        ArgumentNullException.ThrowIfNull(filter);
        foreach (var entry in For(account, enrollingNodeId))
        {
            if (entry.Access == BrokerAccess.Subscribe && TopicPatterns.Covers(entry.Pattern, filter))
            {
                return true;
            }
        }

        return false;
    }

    private static readonly BrokerAccessEntry[] ControllerEntries =
    [
        .. Publishes(
            "node/+/cmd", "node/+/evack", "node/+/time-resp", "node/+/audio/#", "node/+/media/#",
            "zone/+/cmd", "zone/+/audio/#", "zone/+/media/#",
            "all/cmd", "all/audio/#", "all/media/#",
            "controller/#", "enrol/+/status"),
        .. Subscribes(
            "node/+/birth", "node/+/death", "node/+/health", "node/+/event", "node/+/ack", "node/+/time-req", "node/+/media-req",
            "enrol/+/request"),
    ];

    private static readonly BrokerAccessEntry[] ObserverEntries = [.. Subscribes("#")];

    private static BrokerAccessEntry[] NodeEntries(BrokerAccount account)
    {
        // A username or zone with a wildcard or a '/' would widen the list: such an account gets nothing at all.
        var node = account.Username;
        if (!Identifiers.IsValid(node) || account.Zones.Any(zone => !Identifiers.IsValid(zone)))
        {
            return [];
        }

        var prefix = "node/" + node + "/";
        return
        [
            .. Publishes(
                prefix + "birth", prefix + "death", prefix + "health", prefix + "event", prefix + "ack", prefix + "time-req",
                prefix + "media-req"),
            .. Subscribes(prefix + "cmd", prefix + "evack", prefix + "time-resp", prefix + "audio/#", prefix + "media/#"),
            .. account.Zones.Distinct(StringComparer.Ordinal).SelectMany(zone => Subscribes(
                "zone/" + zone + "/cmd", "zone/" + zone + "/audio/#", "zone/" + zone + "/media/#")),
            .. Subscribes("all/cmd", "all/audio/#", "all/media/#", "controller/#"),
        ];
    }

    private static BrokerAccessEntry[] EnrolmentEntries(string? enrollingNodeId)
    {
        var node = enrollingNodeId is null ? "+" : Identifiers.IsValid(enrollingNodeId) ? enrollingNodeId : null;
        return node is null ? [] : [.. Publishes("enrol/" + node + "/request"), .. Subscribes("enrol/" + node + "/status")];
    }

    private static IEnumerable<BrokerAccessEntry> Publishes(params string[] topics) =>
        topics.Select(topic => new BrokerAccessEntry(BrokerAccess.Publish, Root + topic));

    private static IEnumerable<BrokerAccessEntry> Subscribes(params string[] topics) =>
        topics.Select(topic => new BrokerAccessEntry(BrokerAccess.Subscribe, Root + topic));
}
