using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>The fleet scenarios with a real Mosquitto broker and the Controller in external-broker mode.</summary>
public sealed class MosquittoFleetTests : FleetScenarios
{
    private MosquittoBroker? mosquitto;

    // Mosquitto 2.0.11 (Debian 12) checks keepalives coarsely: measured here 2.7–8.4 s for a 2 s keepalive, i.e. up
    // to about 5.5 s late. Its newer keepalive algorithm (2.0.21) is not in Debian 12. With the production keepalive
    // of 30 s the Will still arrives within EN 54-16's 100 s.
    internal override TimeSpan BrokerKeepAliveSlack => TimeSpan.FromSeconds(7);

    [Fact]
    public async Task A_retained_fake_birth_left_on_the_broker_is_ignored_and_the_real_nodes_death_counts()
    {
        // Issue 10's attack: `mosquitto_pub -r` of a birth for a real node, with another session, zone and an hour's
        // heartbeat, left on an external broker that accepts it. The Controller must not believe it on subscribe.
        mosquitto ??= await MosquittoBroker.StartAsync();
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
        await using (var attacker = await MqttProbe.ConnectAsync(mosquitto.Port, "attacker"))
        {
            await attacker.PublishAsync(Topics.ForNode("thon-real", NodeMessageKind.Birth), WireCodec.Encode(fake), retain: true);
            await attacker.PublishAsync(Topics.ForNode("thon-ghost", NodeMessageKind.Birth), WireCodec.Encode(fake with { NodeId = "thon-ghost" }), retain: true);
        }

        var data = Directory.CreateTempSubdirectory("sl-e2e-retained-").FullName;
        try
        {
            await ProveTheFakeIsIgnoredAsync(data);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    private async Task ProveTheFakeIsIgnoredAsync(string data)
    {
        await using var controller = await StartControllerAsync(data);

        // The retained births came with the subscription, before anything the node sends: once it is online, both
        // have been judged.
        var node = await Nodes.StartAsync("thon-real", [controller.MqttPort]);
        await Eventually.TrueAsync(() => controller.IsOnlineAsync("thon-real"), because: "the real node online");
        Assert.Null(await controller.FindNodeAsync("thon-ghost"));
        var real = (await controller.FindNodeAsync("thon-real"))!.Value;
        Assert.Equal(["zone-1"], real.GetProperty("zones").EnumerateArray().Select(zone => zone.GetString()));
        Assert.Equal(30, real.GetProperty("heartbeatSeconds").GetInt32());
        Assert.Equal(2, await controller.MetricAsync("sl_ingest_refused_total{reason=\"retained\"}"));

        // Its own session's death is believed, not taken for an old session's.
        await node.StopAsync(CancellationToken.None);
        await Eventually.TrueAsync(async () => !await controller.IsOnlineAsync("thon-real"), because: "offline after its goodbye");
    }

    internal override async Task<ControllerUnderTest> StartControllerAsync(string dataDirectory, TimeProvider? time = null, int port = 0)
    {
        mosquitto ??= await MosquittoBroker.StartAsync();
        return ControllerUnderTest.WithExternalBroker(mosquitto.Port, dataDirectory, time);
    }

    internal override async Task<int> ReserveControllerPortAsync()
    {
        mosquitto ??= await MosquittoBroker.StartAsync();
        return mosquitto.Port;
    }

    internal override async ValueTask DisposeBrokerAsync()
    {
        if (mosquitto is not null)
        {
            await mosquitto.DisposeAsync();
        }
    }
}
