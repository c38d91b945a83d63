using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests.Tls;

/// <summary>
/// Issue 10, TLS: real nodes reach the Controller's embedded broker over real TLS on loopback, pinning the CA the
/// Controller generated; a broker that is not the Controller's is refused with the reason in the node's log; and a
/// node whose clock cannot be trusted yet still connects, its certificate dates checked only once it can.
/// </summary>
public sealed class NodeTlsTests : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sl-e2e-tls-").FullName;
    private readonly List<NodeAgent> _agents = [];
    private readonly List<IAsyncDisposable> _owned = [];

    public async ValueTask DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task A_node_pinning_the_Controllers_CA_connects_over_TLS_and_its_birth_arrives()
    {
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData));
        var logger = new RecordingLogger<NodeAgent>();

        var node = await StartNodeAsync("tls-node-1", "127.0.0.1", controller.TlsPort, ControllerCa(), TimeProvider.System, new SwitchableSystemClock(1) { Synchronised = true }, logger);

        await node.WaitForBirthAsync(CancellationToken.None).WaitAsync(Eventually.Timeout);
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("tls-node-1"), because: "the birth over TLS reaches the fleet view");
        Assert.Contains(logger.Lines, line => line.Message.Contains("connected to 127.0.0.1:", StringComparison.Ordinal) && line.Message.Contains("(TLS)", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, line => line.Message.Contains("accepted (dates checked)", StringComparison.Ordinal));
        Assert.Contains(logger.Lines, line => line.Message.Contains("asked 127.0.0.1:", StringComparison.Ordinal) && line.Message.Contains("(TLS) to enrol", StringComparison.Ordinal));

        // Its own account is refused until it has enrolled (that warning is the enrolment's first step); the
        // certificate never is.
        Assert.DoesNotContain(logger.Lines, line => line.Level >= LogLevel.Warning && line.Message.Contains("TLS certificate", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_node_pinning_another_CA_refuses_the_broker_and_says_so()
    {
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData));
        using var stranger = BrokerCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);
        var logger = new RecordingLogger<NodeAgent>();

        var node = await StartNodeAsync("tls-node-2", "127.0.0.1", controller.TlsPort, stranger.RawData, TimeProvider.System, new SwitchableSystemClock(2) { Synchronised = true }, logger);

        var refusal = await logger.WaitForWarningAsync("TLS certificate");
        Assert.Contains("not issued by the pinned CA", refusal, StringComparison.Ordinal);
        Assert.Equal(0, node.Connections);
        Assert.Null(await controller.FindNodeAsync("tls-node-2"));
    }

    [Fact]
    public async Task A_node_refuses_a_certificate_that_does_not_name_the_host_it_dialled()
    {
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData, settings: new Dictionary<string, string?> { ["Broker:Tls:HostNames:0"] = "127.0.0.1" }));
        var logger = new RecordingLogger<NodeAgent>();

        var node = await StartNodeAsync("tls-node-3", "localhost", controller.TlsPort, ControllerCa(), TimeProvider.System, new SwitchableSystemClock(3) { Synchronised = true }, logger);

        var refusal = await logger.WaitForWarningAsync("TLS certificate");
        Assert.Contains("does not name the host 'localhost'", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("pinned CA", refusal, StringComparison.Ordinal);
        Assert.Equal(0, node.Connections);
    }

    [Fact]
    public async Task A_node_whose_clock_is_years_off_at_boot_and_untrusted_still_connects()
    {
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData));
        var yearsAhead = new ShiftedClock(TimeSpan.FromDays(12 * 365));
        var logger = new RecordingLogger<NodeAgent>();

        var node = await StartNodeAsync("tls-node-4", "127.0.0.1", controller.TlsPort, ControllerCa(), yearsAhead, new SwitchableSystemClock(4) { Synchronised = false }, logger);

        await node.WaitForBirthAsync(CancellationToken.None).WaitAsync(Eventually.Timeout);
        Assert.Equal(1, node.Connections);
        Assert.Contains(logger.Lines, line => line.Message.Contains("dates not checked: the node's clock is not trusted yet", StringComparison.Ordinal));
        Assert.DoesNotContain(logger.Lines, line => line.Message.Contains("TLS certificate", StringComparison.Ordinal) && line.Message.Contains("refused", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_same_wrong_clock_once_trusted_has_the_certificate_refused_as_outside_its_validity()
    {
        // The counterpart of the test above: what lets that node in is that its clock is not trusted, nothing else.
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData));
        var yearsAhead = new ShiftedClock(TimeSpan.FromDays(12 * 365));
        var logger = new RecordingLogger<NodeAgent>();

        var node = await StartNodeAsync("tls-node-5", "127.0.0.1", controller.TlsPort, ControllerCa(), yearsAhead, new SwitchableSystemClock(5) { Synchronised = true }, logger);

        var refusal = await logger.WaitForWarningAsync("TLS certificate");
        Assert.Contains("outside its validity", refusal, StringComparison.Ordinal);
        Assert.Equal(0, node.Connections);
    }

    [Fact]
    public async Task A_node_that_connected_on_an_untrusted_clock_refuses_an_expired_certificate_once_its_clock_is_trusted()
    {
        // The Controller's clock stands three years back, so the server certificate it makes ended a year ago.
        var controllerClock = new FakeTimeProvider(DateTimeOffset.UtcNow.AddYears(-3));
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData, controllerClock));
        var link = new LoopbackTcpProxy(controller.TlsPort);
        _owned.Add(link);
        var systemClock = new SwitchableSystemClock(6) { Synchronised = false };
        var logger = new RecordingLogger<NodeAgent>();
        var node = await StartNodeAsync("tls-node-6", "127.0.0.1", link.Port, ControllerCa(), TimeProvider.System, systemClock, logger);
        await node.WaitForBirthAsync(CancellationToken.None).WaitAsync(Eventually.Timeout);

        systemClock.Synchronised = true;
        link.CutAll();

        var refusal = await logger.WaitForWarningAsync("TLS certificate");
        Assert.Contains("outside its validity", refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("pinned CA", refusal, StringComparison.Ordinal);
        Assert.Equal(1, node.Connections);
        Assert.False(node.IsConnected);
    }

    [Fact]
    public async Task Once_the_Controllers_signed_clock_sync_corrects_a_wrong_clock_the_dates_are_checked_on_the_corrected_time()
    {
        var controller = Start(ControllerUnderTest.WithEmbeddedBroker(ControllerData, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" }));
        var link = new LoopbackTcpProxy(controller.TlsPort);
        _owned.Add(link);
        var yearsAhead = new ShiftedClock(TimeSpan.FromDays(12 * 365));
        var logger = new RecordingLogger<NodeAgent>();
        var root = System.Buffers.Text.Base64Url.DecodeFromChars((await File.ReadAllTextAsync(Path.Combine(ControllerData, "keys", "root.pub"))).Trim());
        var node = await StartNodeAsync(
            "tls-node-7", "127.0.0.1", link.Port, ControllerCa(), yearsAhead, new SwitchableSystemClock(7) { Synchronised = false }, logger, root);
        await logger.WaitForAsync(LogLevel.Debug, "dates not checked: the node's clock is not trusted yet");
        await logger.WaitForAsync(LogLevel.Information, "clock synchronised with the Controller");

        link.CutAll();

        // The node's own clock still reads twelve years ahead; the date check uses the Controller's time.
        await logger.WaitForAsync(LogLevel.Debug, "accepted (dates checked)");
        await Eventually.TrueAsync(() => Task.FromResult(node.Connections == 2), because: "the node reconnects over TLS");
        Assert.DoesNotContain(logger.Lines, line => line.Message.Contains("TLS certificate", StringComparison.Ordinal) && line.Message.Contains("refused", StringComparison.Ordinal));
    }

    private string ControllerData => Path.Combine(_folder, "controller");

    private byte[] ControllerCa()
    {
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(ControllerData, BrokerCertificateFiles.AuthorityCertificateFile)));
        return ca.RawData;
    }

    private ControllerUnderTest Start(ControllerUnderTest controller)
    {
        _owned.Add(controller);
        return controller;
    }

    private async Task<NodeAgent> StartNodeAsync(
        string nodeId, string host, int port, byte[] pinnedCa, TimeProvider time, IHealthSource readings, ILogger<NodeAgent> logger, byte[]? rootKey = null)
    {
        var settings = new NodeAgentSettings
        {
            NodeId = nodeId,
            Zones = ["zone-1"],
            Brokers = [new BrokerEndpoint { Host = host, Port = port, Tls = true }],
            BrokerCaCertificate = pinnedCa,
            ReconnectWindow = TimeSpan.FromMilliseconds(100),
            ReconnectBackoffCap = TimeSpan.FromMilliseconds(500),
            RootPublicKey = rootKey is null ? default(ReadOnlyMemory<byte>?) : rootKey,
            TrustSynchronisedSystemClock = rootKey is null,

            // It enrols with the test run's token over the same TLS transport its own connection uses.
            EnrolmentToken = BootstrapToken.ForTests.Token,
        };
        var agent = NodeComposer.Compose(settings, new NodeDrivers(readings, [new SimulatedHardware()]), time, logger);
        _agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        return agent;
    }
}
