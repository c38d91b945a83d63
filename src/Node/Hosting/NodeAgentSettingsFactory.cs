using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;

namespace SmartLoudspeaker.Node.Hosting;

/// <summary>Turns the bound <see cref="NodeOptions"/> into per-agent settings.</summary>
internal static class NodeAgentSettingsFactory
{
    /// <param name="options">The bound options.</param>
    /// <param name="nodeId">The agent's node id.</param>
    /// <param name="zones">The agent's zones.</param>
    /// <param name="dataDirectory">The agent's own folder (outbox journal, bdSeq).</param>
    public static NodeAgentSettings Create(NodeOptions options, string nodeId, IReadOnlyList<string> zones, string dataDirectory) => new()
    {
        // Typed out: a bare null would go through byte[]'s conversion and become an empty, present key.
        RootPublicKey = NodeOptionsValidator.ReadRootKey(options.Security) is { } root ? new ReadOnlyMemory<byte>(root) : default(ReadOnlyMemory<byte>?),
        TrustSynchronisedSystemClock = options.Security.TrustSynchronisedSystemClock,
        NodeId = nodeId,
        Zones = zones,
        Brokers = options.Brokers.Select(broker => broker with { }).ToList(),
        Heartbeat = options.Heartbeat,
        KeepAlive = options.KeepAlive,
        ReconnectWindow = options.ReconnectWindow,
        ReconnectBackoffCap = options.ReconnectBackoffCap,
        FailbackProbeInterval = options.FailbackProbeInterval,
        FailbackAfterHealthyProbes = options.FailbackAfterHealthyProbes,
        OutboxCapacity = options.OutboxCapacity,
        DataDirectory = dataDirectory,
        EnrolmentToken = string.IsNullOrWhiteSpace(options.Enrolment.Token) ? null : options.Enrolment.Token.Trim(),
        EnrolmentWait = options.Enrolment.WaitForApproval,
    };
}
