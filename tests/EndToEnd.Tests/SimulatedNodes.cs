using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>Real node agents (simulated hardware) as a test starts them.</summary>
internal sealed class SimulatedNodes : IAsyncDisposable
{
    private readonly List<NodeAgent> agents = [];

    public IReadOnlyList<NodeAgent> Agents => agents;

    /// <summary>
    /// Starts a node connecting to the given broker ports in order, and waits for its birth; with
    /// <paramref name="dataDirectory"/> it keeps its identity (key, broker password) there, as an installed node does.
    /// </summary>
    public async Task<NodeAgent> StartAsync(
        string nodeId, int[] brokerPorts, TimeSpan? heartbeat = null, TimeSpan? keepAlive = null, TimeProvider? time = null, string? dataDirectory = null)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = nodeId,
            Zones = ["zone-1"],
            Brokers = [.. brokerPorts.Select(port => new BrokerEndpoint { Host = "127.0.0.1", Port = port })],
            Heartbeat = heartbeat ?? TimeSpan.FromSeconds(30),
            KeepAlive = keepAlive ?? TimeSpan.FromSeconds(30),
            ReconnectWindow = TimeSpan.FromMilliseconds(100),
            ReconnectBackoffCap = TimeSpan.FromMilliseconds(500),
            DataDirectory = dataDirectory,

            // The token every test Controller is configured with (ControllerUnderTest), so the node enrols itself.
            EnrolmentToken = BootstrapToken.ForTests.Token,
        };
        var agent = NodeComposer.Compose(
            settings,
            NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)),
            time ?? TimeProvider.System,
            NullLogger<NodeAgent>.Instance);
        agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Eventually.Timeout);
        return agent;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in agents)
        {
            await agent.DisposeAsync();
        }
    }
}
