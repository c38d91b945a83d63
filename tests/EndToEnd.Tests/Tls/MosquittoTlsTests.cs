using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests.Tls;

/// <summary>
/// An external Mosquitto (Debian's) with the TLS listener lines the Controller writes and the certificates it
/// generates: a node pinning the Controller's CA connects, one pinning another CA does not.
/// </summary>
public sealed class MosquittoTlsTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sl-e2e-mosquitto-tls-").FullName;
    private readonly List<NodeAgent> _agents = [];
    private MosquittoBroker? _mosquitto;

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        if (_mosquitto is not null)
        {
            await _mosquitto.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_node_pinning_the_Controllers_CA_connects_to_Mosquitto_over_TLS_and_another_CA_is_refused()
    {
        using var server = BrokerCertificateFiles.EnsureServerCertificate(_folder, ["127.0.0.1"], DateTimeOffset.UtcNow, NullLogger.Instance);
        var caFile = Path.Combine(_folder, BrokerCertificateFiles.AuthorityCertificateFile);
        _mosquitto = await MosquittoBroker.StartAsync(port =>
        [
            .. MosquittoTlsListener.Lines(
                port, caFile, Path.Combine(_folder, BrokerCertificateFiles.ServerCertificateFile), Path.Combine(_folder, BrokerCertificateFiles.ServerKeyFile), "127.0.0.1"),

            // Started as root (CI), Mosquitto drops to its own user before it reads the certificates, and the key is
            // readable by its owner only, as it must be; a deployment gives the key to the mosquitto user instead.
            .. Environment.UserName == "root" ? ["user root"] : Array.Empty<string>(),
        ]);
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(caFile));
        using var stranger = BrokerCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);
        var refusedLog = new RecordingLogger<NodeAgent>();

        var pinned = await StartNodeAsync("mosq-tls-1", ca.RawData, new RecordingLogger<NodeAgent>());
        var misled = await StartNodeAsync("mosq-tls-2", stranger.RawData, refusedLog);

        await pinned.WaitForBirthAsync(CancellationToken.None).WaitAsync(Eventually.Timeout);
        Assert.Contains("not issued by the pinned CA", await refusedLog.WaitForWarningAsync("TLS certificate"), StringComparison.Ordinal);
        Assert.Equal(0, misled.Connections);
    }

    private async Task<NodeAgent> StartNodeAsync(string nodeId, byte[] pinnedCa, RecordingLogger<NodeAgent> logger)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = nodeId,
            Zones = ["zone-1"],
            Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = _mosquitto!.Port, Tls = true }],
            BrokerCaCertificate = pinnedCa,
            ReconnectWindow = TimeSpan.FromMilliseconds(100),
            ReconnectBackoffCap = TimeSpan.FromMilliseconds(500),
        };
        var agent = NodeComposer.Compose(settings, NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)), TimeProvider.System, logger);
        _agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        return agent;
    }
}
