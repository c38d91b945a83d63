using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// Many people and services issuing at once (scheduler, emergency staff, CAP alerts), through the Controller's API and
/// its real command service, to a node's own topic, its zone and the whole fleet, with the node's link reordering
/// those topics against each other and within each: every genuine command is obeyed, and every one of them published
/// again byte for byte is refused as a replay.
/// </summary>
[Trait("Category", "Security")]
public sealed class ConcurrentIssuersTests
{
    private const int Issuers = 8;
    private const int CommandsEach = 50;
    private const string Node = "loa-nhieu-nguoi-ra-lenh";
    private const string Zone = "thon-7";

    [Fact]
    public async Task Commands_from_eight_concurrent_issuers_reordered_on_the_way_are_all_obeyed_and_every_replay_of_them_is_refused()
    {
        await using var world = await SecuredWorld.StartAsync();
        await using var proxy = new LoopbackTcpProxy(world.Mosquitto.Port, random: new Random(39));
        var agent = await world.StartNodeAsync(Node, brokerPort: proxy.Port);
        proxy.DownstreamProfile = new LinkProfile
        {
            Holds =
            [
                new TopicHold(Topics.FleetCommands, TimeSpan.FromMilliseconds(30), TimeSpan.FromMilliseconds(30)),
                new TopicHold(Topics.ForZoneCommands(Zone), TimeSpan.FromMilliseconds(20), TimeSpan.FromMilliseconds(20)),
                new TopicHold(SecuredWorld.CommandTopic(Node), TimeSpan.FromMilliseconds(5), TimeSpan.FromMilliseconds(5)),
            ],
        };
        await using var envelopes = await world.EavesdropAsync(SecuredWorld.CommandTopic(Node), Topics.ForZoneCommands(Zone), Topics.FleetCommands);
        await using var acks = await world.EavesdropAsync(SecuredWorld.AckTopic(Node));

        // Each issuer waits for the node's answer before its next command, so at most eight are in flight: the node's
        // queue (64) never overflows, and the eight still overtake each other on the Controller and on the link.
        var issued = new ConcurrentBag<string>();
        var answers = new ConcurrentBag<(string Id, string Status, string? Reason)>();
        await Task.WhenAll(Enumerable.Range(0, Issuers).Select(issuer => Task.Run(async () =>
        {
            for (var i = 0; i < CommandsEach; i++)
            {
                var id = await IssueAsync(world, PathFor((issuer * CommandsEach) + i));
                issued.Add(id);
                answers.Add(await AnswerAsync(acks, id, from: 0));
            }
        })));

        Assert.Equal(Issuers * CommandsEach, issued.Distinct().Count());
        Assert.All(answers, answer => Assert.Equal((answer.Id, "done", null), answer));
        Assert.Equal(0, agent.RefusedCommands);
        Assert.True(proxy.DownstreamTraffic.PublishesHeld >= Issuers * CommandsEach, $"{proxy.DownstreamTraffic.PublishesHeld} held");

        // Every envelope the Controller published, again, exact bytes on its own topic: the same reordering on the way.
        var captured = envelopes.Received
            .Select(message => (message.Topic, message.Payload, CommandEnvelopeCodec.Parse(message.Payload).Message!.Command.Id))
            .ToList();
        Assert.Equal(issued.Order(StringComparer.Ordinal), captured.Select(envelope => envelope.Id).Distinct().Order(StringComparer.Ordinal));
        var answeredBefore = acks.Received.Count;
        var replays = new ConcurrentBag<(string Id, string Status, string? Reason)>();
        await Task.WhenAll(captured.Chunk((captured.Count + Issuers - 1) / Issuers).Select(share => Task.Run(async () =>
        {
            foreach (var (topic, payload, id) in share)
            {
                await envelopes.PublishAsync(topic, payload);
                replays.Add(await AnswerAsync(acks, id, from: answeredBefore));
            }
        })));

        Assert.Equal(captured.Count, replays.Count);
        Assert.All(replays, replay => Assert.Equal((replay.Id, "refused", RefusalReasons.Replayed), replay));
        Assert.Equal(captured.Count, agent.RefusedCommands);
        var shown = await world.Http.GetFromJsonAsync<JsonElement>($"/api/commands/{issued.First()}");
        Assert.Equal(("done", null), SecuredWorld.Outcome(shown));
    }

    /// <summary>Commands go in turn to the node, its zone and the fleet: three topics that may overtake each other.</summary>
    private static string PathFor(int index) => (index % 3) switch
    {
        0 => $"/api/nodes/{Node}/commands",
        1 => $"/api/zones/{Zone}/commands",
        _ => "/api/fleet/commands",
    };

    private static async Task<string> IssueAsync(SecuredWorld world, string path)
    {
        using var response = await world.Http.PostAsJsonAsync(path, new { type = "identify" });
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("commandId").GetString()!;
    }

    /// <summary>The node's first answer naming <paramref name="id"/> among acks from index <paramref name="from"/> on.</summary>
    private static async Task<(string Id, string Status, string? Reason)> AnswerAsync(MqttProbe acks, string id, int from)
    {
        var index = 0;
        var message = await acks.WaitForAsync(received => index++ >= from && Read(received).Id == id, SecuredWorld.Timeout);
        return Read(message);
    }

    private static (string Id, string Status, string? Reason) Read(ReceivedMessage message)
    {
        using var ack = JsonDocument.Parse(SecuredWorld.SignedPart(message.Payload));
        var root = ack.RootElement;
        return (root.GetProperty("id").GetString()!, root.GetProperty("status").GetString()!, root.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }
}
