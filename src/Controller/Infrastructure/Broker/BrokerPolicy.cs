using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// Who may publish where on the embedded broker; a pure function. The controller's own client may publish anywhere
/// in the tree (controller state, event acknowledgements, commands). Any other client is a node, and a node may
/// publish only its own node→controller topics, with a client id equal to the node id in the topic, so one node (or
/// a stranger) cannot speak for another or pose as the controller. Nobody may publish retained on a node topic: a
/// retained birth would be handed to the controller on every resubscribe as if the node had just said it (issue 10's
/// fake birth); the controller's own retained topics (state, keys, revocations, its Will) are not node topics.
/// </summary>
internal static class BrokerPolicy
{
    /// <summary>Null when allowed, else the refusal reason (a metrics label).</summary>
    public static string? Check(string clientId, string topic, bool retained, string controllerClientId)
    {
        if (!topic.StartsWith(Topics.Root + "/", StringComparison.Ordinal))
        {
            return "outside-tree";
        }

        // Any topic under the node prefix, parsed or not: nothing there is ever retained by design.
        if (retained && topic.StartsWith(Topics.Root + "/node/", StringComparison.Ordinal))
        {
            return "retained-node-topic";
        }

        if (string.Equals(clientId, controllerClientId, StringComparison.Ordinal))
        {
            return null;
        }

        // The enrolment account's client id names the node asking (docs/protocol.md); issue 10's access rules replace
        // this whole policy with per-account rules.
        if (Topics.TryParseEnrolmentRequest(topic, out var enrolling))
        {
            return string.Equals(clientId, "enrol-" + enrolling, StringComparison.Ordinal) && !retained ? null : "client-id-mismatch";
        }

        if (!Topics.TryParseNodeTopic(topic, out var parsed))
        {
            return "not-a-node-topic";
        }

        if (!string.Equals(parsed.NodeId, clientId, StringComparison.Ordinal))
        {
            return "client-id-mismatch";
        }

        return parsed.Kind is NodeMessageKind.EventAck or NodeMessageKind.Command ? "wrong-direction" : null;
    }
}
