using System.Globalization;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>
/// The same attacks against Debian's Mosquitto running the files the Controller generates (Broker:Mode External):
/// the Controller writes passwd, acl and mosquitto.conf, Mosquitto is started on them, and account changes are
/// rewritten and reloaded with SIGHUP.
/// </summary>
public sealed class MosquittoAccessTests : IAsyncLifetime, IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly TemporaryDirectory _mosquittoFiles = new();
    private readonly List<BrokerClient> _clients = [];
    private readonly int _port = FreePort.Next();
    private readonly int _tlsPort = FreePort.Next();
    private ControllerHost _host = null!;
    private MosquittoBroker _mosquitto = null!;
    private int _controllerDisconnects;

    private string PidFile => Path.Combine(_mosquittoFiles.Path, "test-mosquitto.pid");

    public async Task InitializeAsync()
    {
        _host = ControllerHost.Create(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "External",
            ["Broker:Host"] = "127.0.0.1",
            ["Broker:Port"] = _port.ToString(CultureInfo.InvariantCulture),
            ["Broker:ReconnectDelay"] = "00:00:00.2",
            ["Broker:Mosquitto:ConfigDirectory"] = _mosquittoFiles.Path,
            ["Broker:Mosquitto:ReloadCommand"] = $"if [ -f '{PidFile}' ]; then kill -HUP $(cat '{PidFile}'); fi",
            ["Broker:Mosquitto:Debounce"] = "00:00:00",
            ["Broker:Tls:Port"] = _tlsPort.ToString(CultureInfo.InvariantCulture),
        });
        _host.StartServer();

        // Started as root (as the tests are), Mosquitto would drop to the 'mosquitto' user, which may not read the
        // 0640 files of another owner; a deployment gives that user the folder's group instead (README).
        var wrapper = Path.Combine(_data.Path, "wrapper.conf");
        await File.WriteAllTextAsync(wrapper, $"user {Environment.UserName}\ninclude_dir {_mosquittoFiles.Path}\n");
        _mosquitto = await MosquittoBroker.StartAsync(wrapper, _port);
        await File.WriteAllTextAsync(PidFile, _mosquitto.ProcessId.ToString(CultureInfo.InvariantCulture));
        var client = _host.Services.GetRequiredService<ControllerMqttClient>();
        await _host.Services.GetRequiredService<MqttConnectionService>().FirstConnection.WaitAsync(ControllerHost.Timeout);
        client.Client.DisconnectedAsync += _ =>
        {
            Interlocked.Increment(ref _controllerDisconnects);
            return Task.CompletedTask;
        };
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients)
        {
            await client.DisposeAsync();
        }

        _host.Dispose();
        await _mosquitto.DisposeAsync();
    }

    public void Dispose()
    {
        _host.Dispose();
        _mosquittoFiles.Dispose();
        _data.Dispose();
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_generated_files_are_readable_by_their_owner_and_group_only()
    {
        foreach (var name in new[] { MosquittoFiles.PasswordFileName, MosquittoFiles.AclFileName, MosquittoFiles.ConfigurationFileName })
        {
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
                File.GetUnixFileMode(Path.Combine(_mosquittoFiles.Path, name)));
        }
    }

    [Fact]
    public async Task A_client_pinning_the_Controllers_CA_connects_over_TLS_as_the_observer_and_one_pinning_another_CA_is_refused()
    {
        using var ca = X509Certificate2.CreateFromPem(await File.ReadAllTextAsync(Path.Combine(_data.Path, "broker-ca.pem")));
        using var stranger = BrokerCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);

        var (result, presented) = await ConnectOverTlsAsync(ca);
        using var certificate = presented;
        var refused = await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttCommunicationException>(() => ConnectOverTlsAsync(stranger));

        Assert.Equal(MqttClientConnectResultCode.Success, result);
        Assert.Equal(ca.Subject, certificate!.Issuer);
        Assert.IsType<AuthenticationException>(refused.InnerException);
        Assert.Contains($"listener {_tlsPort.ToString(CultureInfo.InvariantCulture)}\n", await File.ReadAllTextAsync(Path.Combine(_mosquittoFiles.Path, MosquittoFiles.ConfigurationFileName)), StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_copied_certificate_and_key_are_readable_by_their_owner_and_group_and_the_cas_key_stays_in_the_data_folder()
    {
        foreach (var name in new[] { MosquittoTlsFiles.AuthorityFileName, MosquittoTlsFiles.ServerCertificateFileName, MosquittoTlsFiles.ServerKeyFileName })
        {
            Assert.Equal(
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead,
                File.GetUnixFileMode(Path.Combine(_mosquittoFiles.Path, name)));
        }

        Assert.False(File.Exists(Path.Combine(_mosquittoFiles.Path, "broker-ca.key")));
    }

    [Fact]
    public async Task Anonymous_clients_and_wrong_passwords_are_refused()
    {
        _ = await PutNodeAsync("sim-06", "thon-1");

        var anonymous = await MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_port), "-t", "sl/v1/#", "-C", "1", "-W", "5"]);
        var wrong = await MqttTool.RunAsync("mosquitto_sub", [.. MqttTool.Connection(_port, "sim-06", "guess"), "-t", "sl/v1/#", "-C", "1", "-W", "5"]);
        var anonymousClient = await ConnectAsync(null, null, "sim-06");

        Assert.Contains("not authorised", anonymous.Errors, StringComparison.Ordinal);
        Assert.Contains("not authorised", wrong.Errors, StringComparison.Ordinal);
        Assert.NotEqual(MqttClientConnectResultCode.Success, anonymousClient.ResultCode);
    }

    [Fact]
    public async Task Presenting_the_controllers_client_id_does_not_take_over_the_controller()
    {
        var password = await PutNodeAsync("sim-06", "thon-1");

        var impostor = await ConnectAsync("sim-06", password, "controller");
        var tool = await MqttTool.RunAsync(
            "mosquitto_pub", [.. MqttTool.Connection(_port, "sim-06", password), "-i", "controller", "-t", "sl/v1/node/sim-06/health", "-m", "x"]);

        // Mosquitto renames the client to its username, so the session it takes over (if any) is the node's own.
        Assert.Equal(MqttClientConnectResultCode.Success, impostor.ResultCode);
        Assert.Equal(0, tool.ExitCode);
        Assert.True(await _host.Services.GetRequiredService<ControllerMqttClient>().Client.TryPingAsync());
        Assert.Equal(0, Volatile.Read(ref _controllerDisconnects));
    }

    [Fact]
    public async Task A_node_cannot_publish_for_another_node_nor_downward_nor_as_the_controller()
    {
        var observer = await ObserverAsync();
        var password = await PutNodeAsync("sim-06", "thon-1");
        var node = await ConnectAsync("sim-06", password, "sim-06");
        string[] forbidden = ["sl/v1/node/sim-07/health", "sl/v1/node/sim-06/cmd", "sl/v1/node/sim-06/evack", "sl/v1/controller/state", "sl/v1/all/cmd"];

        foreach (var topic in forbidden)
        {
            await node.PublishAsync(topic, "{\"v\":1}");
        }

        await MqttTool.RunAsync(
            "mosquitto_pub", [.. MqttTool.Connection(_port, "sim-06", password), "-q", "1", "-t", "sl/v1/node/sim-07/evack", "-m", "{}"]);
        var marker = await ConnectAsync("sim-08", await PutNodeAsync("sim-08", "thon-1"), "sim-08");
        await marker.PublishAsync("sl/v1/node/sim-08/health", "marker");

        var seen = await observer.TopicsBeforeAsync("sl/v1/node/sim-08/health");
        Assert.Empty(seen.Intersect(forbidden.Append("sl/v1/node/sim-07/evack")));
    }

    [Fact]
    public async Task A_node_subscribed_to_another_nodes_or_zones_commands_receives_nothing_of_them()
    {
        var node = await ConnectAsync("sim-06", await PutNodeAsync("sim-06", "thon-1"), "sim-06");
        foreach (var filter in new[] { "sl/v1/node/sim-07/cmd", "sl/v1/zone/thon-2/cmd", "sl/v1/node/+/cmd", "sl/v1/node/sim-06/cmd" })
        {
            // Mosquitto 2.0.11 grants every SUBACK and applies its ACL to each message it would deliver.
            await node.SubscribeAsync(filter);
        }

        var publisher = _host.Services.GetRequiredService<IMqttPublisher>();
        Assert.True(await publisher.PublishAsync("sl/v1/node/sim-07/cmd", "{}"u8.ToArray(), atLeastOnce: true, retain: false, CancellationToken.None));
        Assert.True(await publisher.PublishAsync("sl/v1/zone/thon-2/cmd", "{}"u8.ToArray(), atLeastOnce: true, retain: false, CancellationToken.None));
        Assert.True(await publisher.PublishAsync("sl/v1/node/sim-06/cmd", "marker"u8.ToArray(), atLeastOnce: true, retain: false, CancellationToken.None));

        Assert.Empty(await node.TopicsBeforeAsync("sl/v1/node/sim-06/cmd"));
    }

    [Fact]
    public async Task Live_audio_flows_only_from_the_controller_and_only_to_the_nodes_it_is_for()
    {
        var node = await ConnectAsync("sim-06", await PutNodeAsync("sim-06", "thon-1"), "sim-06");
        var forger = await ConnectAsync("sim-07", await PutNodeAsync("sim-07", "thon-2"), "sim-07");
        foreach (var filter in new[]
        {
            "sl/v1/node/sim-06/audio/#", "sl/v1/zone/thon-1/audio/#", "sl/v1/all/audio/#",
            "sl/v1/node/sim-07/audio/#", "sl/v1/zone/thon-2/audio/#", "sl/v1/+/+/audio/#",
        })
        {
            // Mosquitto 2.0.11 grants every SUBACK and applies its ACL to each message it would deliver.
            await node.SubscribeAsync(filter);
        }

        foreach (var forged in new[] { "sl/v1/node/sim-06/audio/forged", "sl/v1/zone/thon-1/audio/forged", "sl/v1/all/audio/forged" })
        {
            await forger.PublishAsync(forged, "forged audio");
        }

        var publisher = _host.Services.GetRequiredService<IMqttPublisher>();
        string[] sent =
        [
            "sl/v1/node/sim-07/audio/s1", "sl/v1/zone/thon-2/audio/s1",
            "sl/v1/node/sim-06/audio/s1", "sl/v1/zone/thon-1/audio/s1", "sl/v1/all/audio/s1", "sl/v1/all/audio/marker",
        ];
        foreach (var topic in sent)
        {
            Assert.True(await publisher.PublishAsync(topic, new byte[LiveAudioPacketCodec.MaxPacketBytes], atLeastOnce: false, retain: false, CancellationToken.None));
        }

        // Overlapping filters may each deliver a copy: what matters is which topics arrive.
        var received = (await node.TopicsBeforeAsync("sl/v1/all/audio/marker")).Distinct();
        Assert.Equal(["sl/v1/node/sim-06/audio/s1", "sl/v1/zone/thon-1/audio/s1", "sl/v1/all/audio/s1"], received);
    }

    [Fact]
    public async Task The_observer_reads_everything_and_publishes_nothing()
    {
        var observer = await ObserverAsync();
        var node = await ConnectAsync("sim-06", await PutNodeAsync("sim-06", "thon-1"), "sim-06");

        Assert.True((await observer.NextOnAsync("sl/v1/controller/state")).Retained);
        await observer.PublishAsync("sl/v1/node/sim-06/death", "{}");
        await observer.PublishAsync("sl/v1/controller/state", "{}", retain: true);
        await node.PublishAsync("sl/v1/node/sim-06/health", "marker");

        Assert.Empty(await observer.TopicsBeforeAsync("sl/v1/node/sim-06/health"));
    }

    [Fact]
    public async Task The_enrolment_account_may_only_ask_to_join()
    {
        var observer = await ObserverAsync();
        var enrolling = await ConnectAsync("enrol", "enrol", "enrol-sim-20");

        await enrolling.PublishAsync("sl/v1/node/sim-20/birth", "{}");
        await enrolling.PublishAsync("sl/v1/enrol/sim-20/status", "{}");
        await enrolling.PublishAsync("sl/v1/enrol/sim-20/request", "{}");

        Assert.Empty(await observer.TopicsBeforeAsync("sl/v1/enrol/sim-20/request"));
    }

    [Fact]
    public async Task A_removed_account_is_reloaded_out_of_mosquitto_its_connection_dropped_and_refused_after()
    {
        var password = await PutNodeAsync("sim-06", "thon-1");
        var node = await ConnectAsync("sim-06", password, "sim-06");
        Assert.Equal(MqttClientConnectResultCode.Success, node.ResultCode);

        var written = WaitForWrite();
        Assert.True(_host.Directory().Remove("sim-06"));
        await written;

        await node.Disconnected.Task.WaitAsync(ControllerHost.Timeout);
        var again = await ConnectAsync("sim-06", password, "sim-06");
        Assert.NotEqual(MqttClientConnectResultCode.Success, again.ResultCode);
        Assert.True(await _host.Services.GetRequiredService<ControllerMqttClient>().Client.TryPingAsync());
    }

    /// <summary>Puts a node account and waits until Mosquitto has reloaded the files that hold it.</summary>
    private async Task<string> PutNodeAsync(string nodeId, params string[] zones)
    {
        var written = WaitForWrite();
        var password = _host.PutNode(nodeId, zones);
        await written;

        // SIGHUP only asks: Mosquitto reloads on its next turn and says so nowhere a client can see, so the test
        // tries the new account until it is accepted (a bounded wait on an outside process, as for its port).
        var deadline = DateTimeOffset.UtcNow + ControllerHost.Timeout;
        while (true)
        {
            await using var probe = await BrokerClient.ConnectAsync(_port, nodeId, password, nodeId);
            if (probe.ResultCode == MqttClientConnectResultCode.Success)
            {
                return password;
            }

            Assert.True(DateTimeOffset.UtcNow < deadline, $"Mosquitto did not accept {nodeId} after the reload");
            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }
    }

    private Task WaitForWrite()
    {
        var writer = _host.Services.GetRequiredService<MosquittoFileWriter>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnWritten(int accounts)
        {
            writer.Written -= OnWritten;
            done.TrySetResult();
        }

        writer.Written += OnWritten;
        return done.Task.WaitAsync(ControllerHost.Timeout);
    }

    private async Task<BrokerClient> ObserverAsync()
    {
        var observer = await ConnectAsync("observer", _host.ObserverPassword(), string.Empty);
        Assert.Equal(MqttClientConnectResultCode.Success, observer.ResultCode);
        await observer.SubscribeAsync("sl/v1/#");
        return observer;
    }

    /// <summary>Connects to Mosquitto's TLS listener as the observer, pinning <paramref name="pinned"/>; what Mosquitto presented.</summary>
    private async Task<(MqttClientConnectResultCode Result, X509Certificate2? Certificate)> ConnectOverTlsAsync(X509Certificate2 pinned)
    {
        X509Certificate2? seen = null;
        using var client = new MqttClientFactory().CreateMqttClient();
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", _tlsPort)
            .WithCredentials("observer", _host.ObserverPassword())
            .WithProtocolVersion(MQTTnet.Formatter.MqttProtocolVersion.V311)
            .WithTimeout(ControllerHost.Timeout)
            .WithTlsOptions(tls => tls.UseTls().WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13).WithTrustChain([pinned]).WithCertificateValidationHandler(args =>
            {
                seen = new X509Certificate2(args.Certificate);
                return args.SslPolicyErrors == System.Net.Security.SslPolicyErrors.None;
            }))
            .Build();
        var result = await client.ConnectAsync(options);
        await client.DisconnectAsync();
        return (result.ResultCode, seen);
    }

    private async Task<BrokerClient> ConnectAsync(string? username, string? password, string clientId)
    {
        var client = await BrokerClient.ConnectAsync(_port, username, password, clientId);
        _clients.Add(client);
        return client;
    }
}
