using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>The fleet scenarios with a real Mosquitto broker and the Controller in external-broker mode.</summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Reliability", "CA1001", Justification = "xUnit's IAsyncLifetime.DisposeAsync disposes it, through DisposeBrokerAsync.")]
public sealed class MosquittoFleetTests : FleetScenarios
{
    private readonly ControllerMosquitto mosquitto = new();

    // Mosquitto 2.0.11 (Debian 12) checks keepalives coarsely: measured here 2.7–8.4 s for a 2 s keepalive, i.e. up
    // to about 5.5 s late. Its newer keepalive algorithm (2.0.21) is not in Debian 12. With the production keepalive
    // of 30 s the Will still arrives within EN 54-16's 100 s.
    internal override TimeSpan BrokerKeepAliveSlack => TimeSpan.FromSeconds(7);

    [Fact]
    public async Task A_retained_fake_birth_left_on_the_broker_is_ignored_and_the_real_nodes_death_counts()
    {
        // Issue 10's attack: `mosquitto_pub -r` of a birth for a real node, with another session, zone and an hour's
        // heartbeat, left on the broker for the Controller's next subscribe. Mosquitto's ACL lets only a node's own
        // account publish there, but it cannot forbid retaining: so the attacker holds node credentials (the real
        // node's password read off its SD card, and an enrolled ghost's) and waits for the Controller to restart.
        var data = Directory.CreateTempSubdirectory("sl-e2e-retained-").FullName;
        var nodeData = Path.Combine(data, "thon-real");
        using var ghost = NodeCredentials.Create("thon-ghost");
        try
        {
            var before = mosquitto.Reloads;
            await using (var first = await StartControllerAsync(Path.Combine(data, "controller")))
            {
                var enrolled = await Nodes.StartAsync("thon-real", [first.MqttPort], dataDirectory: nodeData);
                await Eventually.TrueAsync(() => first.IsOnlineAsync("thon-real"), because: "the real node enrolled and online");
                await enrolled.StopAsync(CancellationToken.None);
                await NodeEnrolment.EnrolWithTokenAsync("127.0.0.1", mosquitto.Port, ghost, BootstrapToken.ForTests.Token, Eventually.Timeout);
            }

            // The node could log in with its own account only once the Controller had rewritten the files and
            // reloaded Mosquitto.
            Assert.True(mosquitto.Reloads > before, "the Controller reloaded Mosquitto after enrolling nodes");
            var stolenPassword = (await File.ReadAllLinesAsync(Path.Combine(nodeData, "broker-password")))[0];
            var fake = new NodeBirth
            {
                NodeId = "thon-real",
                BdSeq = 999,
                Ts = DateTimeOffset.UtcNow,
                Software = "6.6.6",
                Hardware = new HardwareProfile { Model = "fake", Os = "fake" },
                Capabilities = [],
                Zones = ["zone-9"],
                HeartbeatSeconds = 3600,
                UptimeSeconds = 1,
            };
            await using (var attacker = await LogInOnceReloadedAsync("thon-real", stolenPassword))
            {
                await attacker.PublishAsync(Topics.ForNode("thon-real", NodeMessageKind.Birth), WireCodec.Encode(fake), retain: true);
            }

            await using (var attacker = await LogInOnceReloadedAsync(ghost.Username, ghost.Password))
            {
                await attacker.PublishAsync(Topics.ForNode("thon-ghost", NodeMessageKind.Birth), WireCodec.Encode(fake with { NodeId = "thon-ghost" }), retain: true);
            }

            await ProveTheFakeIsIgnoredAsync(Path.Combine(data, "controller"), nodeData);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    internal override Task<ControllerUnderTest> StartControllerAsync(string dataDirectory, TimeProvider? time = null, int port = 0) =>
        ControllerUnderTest.WithMosquittoAsync(mosquitto, dataDirectory, time);

    internal override Task<int> ReserveControllerPortAsync() => Task.FromResult(mosquitto.Port);

    internal override ValueTask DisposeBrokerAsync() => mosquitto.DisposeAsync();

    private async Task ProveTheFakeIsIgnoredAsync(string controllerData, string nodeData)
    {
        await using var controller = await StartControllerAsync(controllerData);

        // The retained births came with the subscription, before anything the node sends: once it is online, both
        // have been judged.
        var node = await Nodes.StartAsync("thon-real", [controller.MqttPort], dataDirectory: nodeData);
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("thon-real"), because: "the real node online");
        Assert.False(await controller.FindNodeAsync("thon-ghost") is { } seenGhost && seenGhost.GetProperty("online").GetBoolean(), "the ghost's retained birth made it online");
        var real = (await controller.FindNodeAsync("thon-real"))!.Value;
        Assert.Equal(["zone-1"], real.GetProperty("zones").EnumerateArray().Select(zone => zone.GetString()));
        Assert.Equal(30, real.GetProperty("heartbeatSeconds").GetInt32());
        Assert.Equal(2, await controller.MetricAsync("sl_ingest_refused_total{reason=\"retained\"}"));

        // Its own session's death is believed, not taken for an old session's.
        await node.StopAsync(CancellationToken.None);
        await Eventually.TrueAsync(async () => !await controller.IsOnlineAsync("thon-real"), because: "offline after its goodbye");
    }

    /// <summary>
    /// Logs in with a node's account once Mosquitto has reloaded the files that hold it: SIGHUP only asks, and
    /// Mosquitto says nowhere a client can see when it has reloaded, so a bounded retry.
    /// </summary>
    private async Task<MqttProbe> LogInOnceReloadedAsync(string username, string password)
    {
        var deadline = DateTimeOffset.UtcNow + Eventually.Timeout;
        while (true)
        {
            try
            {
                return await MqttProbe.ConnectAsAsync(mosquitto.Port, username, password, username);
            }
            catch (Exception refused) when (refused is InvalidOperationException or MQTTnet.Exceptions.MqttCommunicationException && DateTimeOffset.UtcNow < deadline)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
