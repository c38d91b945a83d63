using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using LiteDB;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Security;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Commands;

/// <summary>
/// A command answered 202 is stored before that answer and is never forgotten: after a restart it is known, resent
/// signed anew while pending and unexpired, and shown unanswered once expired. A command nobody could receive is refused.
/// </summary>
public sealed class DurableCommandTests : IDisposable
{
    private static readonly Dictionary<string, string?> DemoKeySettings = new() { ["Security:GenerateDemoKeys"] = "true" };
    private readonly TemporaryDirectory _data = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task After_a_restart_every_accepted_command_is_known_the_pending_one_is_resent_signed_anew_and_the_expired_one_shows_unanswered()
    {
        CommandAccepted expiring, pending, answered;
        long highestBefore;
        using (var first = Start())
        {
            await using var silent = await SignedControlNode.BornAsync(first, "thon-b");
            await using var answering = await SignedControlNode.BornAsync(first, "thon-a");
            expiring = await SignedControlTests.IssueAsync(first, "/api/nodes/thon-b/commands", new { type = "emergency-test", body = new { note = "drill" } });
            _clock.Advance(TimeSpan.FromMinutes(4));
            pending = await SignedControlTests.IssueAsync(first, "/api/nodes/thon-b/commands", new { type = "identify" });
            answered = await SignedControlTests.IssueAsync(first, "/api/nodes/thon-a/commands", new { type = "identify" });
            var done = first.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
            await answering.PublishAsync(NodeMessageKind.CommandAck, new CommandAck
            {
                Id = answered.CommandId,
                NodeId = "thon-a",
                Status = CommandAckStatus.Done,
                Result = System.Text.Json.JsonSerializer.SerializeToElement(new NodeIdentity { NodeId = "thon-a", Zones = ["thon-1"], Software = "1.2.3", Model = "Pi 4", BdSeq = 1, HeartbeatSeconds = 30 }, ProtocolJsonContext.Default.NodeIdentity),
                Ts = Wire.NodeClock,
            });
            Assert.True((await done).Accepted);
            highestBefore = 0;
            foreach (var id in new[] { expiring.CommandId, pending.CommandId, answered.CommandId })
            {
                highestBefore = Math.Max(highestBefore, (await ViewAsync(first, id)).GetProperty("seqs").EnumerateArray().Max(seq => seq.GetInt64()));
            }
        }

        // The first command's five minutes are over by the time the Controller is back; the second has three left.
        _clock.Advance(TimeSpan.FromMinutes(1.5));
        using var second = Start();
        Assert.Equal("unanswered", OnlyOutcome(await ViewAsync(second, expiring.CommandId)).Status);
        Assert.Equal("pending", OnlyOutcome(await ViewAsync(second, pending.CommandId)).Status);
        var known = await ViewAsync(second, answered.CommandId);
        Assert.Equal(("done", (string?)null), OnlyOutcome(known));
        Assert.Equal("Pi 4", known.GetProperty("outcomes")[0].GetProperty("result").GetProperty("model").GetString());

        await using var back = await SignedControlNode.BornAsync(second, "thon-b");
        using var trust = await back.TrustAsync(KeyFiles.ReadPublicKey(Path.Combine(_data.Path, "keys", DemoKeys.RootPublicKeyFile)), DemoKeys.Kid);
        _clock.Advance(TimeSpan.FromSeconds(20));
        var (topic, payload) = await back.NextCommandAsync();

        Assert.Equal(Topics.ForNode("thon-b", NodeMessageKind.Command), topic);
        var verdict = new CommandVerifier(trust, new ReplayGuard(ReplayState.Empty))
            .Verify(payload, "thon-b", back.Zones, new TrustedTime(_clock.GetUtcNow(), Trusted: true));
        Assert.True(verdict.Accepted, verdict.Refusal + " " + verdict.Detail);
        var resent = verdict.Envelope!.Command;
        Assert.Equal(pending.CommandId, resent.Id);
        Assert.True(resent.Seq > highestBefore, $"the resend's seq {resent.Seq} is not above {highestBefore}, handed out before the restart");
        Assert.Equal(_clock.GetUtcNow(), resent.Ts);
        Assert.Contains(resent.Seq, (await ViewAsync(second, pending.CommandId)).GetProperty("seqs").EnumerateArray().Select(seq => seq.GetInt64()));
        Assert.False(back.TryTakeCommand(out _), "only the pending, unexpired command is resent");

        var page = await second.Http.GetStringAsync("/nodes/thon-b");
        Assert.Contains($"data-cmd=\"{expiring.CommandId}\" data-s=\"unanswered\"", page, StringComparison.Ordinal);
        Assert.Contains($"data-cmd=\"{pending.CommandId}\" data-s=\"pending\"", page, StringComparison.Ordinal);
        second.AssertNoErrors();
    }

    [Fact]
    public async Task A_command_that_cannot_be_stored_is_refused_with_503_and_never_sent()
    {
        var disk = new FillableDisk();
        using var host = Start(services => services.Replace(ServiceDescriptor.Singleton<StoreFileSystem>(disk)));
        await using var node = await SignedControlNode.BornAsync(host, "thon-full");

        disk.Full = true;
        var refused = await host.Http.PostAsJsonAsync("/api/nodes/thon-full/commands", new { type = "emergency-test" });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Contains("could not store the command, so it was not sent", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);

        // Space returns: the next command is the first the node ever receives.
        disk.Full = false;
        var accepted = await SignedControlTests.IssueAsync(host, "/api/nodes/thon-full/commands", new { type = "identify" });
        var (_, payload) = await node.NextCommandAsync();
        Assert.Equal(accepted.CommandId, CommandEnvelopeCodec.Parse(payload).Message!.Command.Id);
        Assert.Equal(accepted.CommandId, Assert.Single((await host.Http.GetFromJsonAsync<JsonElement>("/api/nodes/thon-full/commands")).EnumerateArray()).GetProperty("id").GetString());
    }

    [Fact]
    public async Task A_command_nobody_could_receive_is_refused_with_its_reason_and_one_to_a_known_offline_node_is_accepted()
    {
        using var host = Start();

        var fleet = await host.Http.PostAsJsonAsync("/api/fleet/commands", new { type = "identify" });
        Assert.Equal(HttpStatusCode.UnprocessableEntity, fleet.StatusCode);
        Assert.Contains("No node has been seen yet", (await fleet.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);

        await using (var node = await SignedControlNode.BornAsync(host, "thon-off", "xa-dong"))
        {
            // Known, then gone: offline, but it may come back before the command expires.
        }

        await host.AdvanceAndSweepAsync(TimeSpan.FromMinutes(2));
        Assert.False((await host.GetListedNodeAsync("thon-off")).GetProperty("online").GetBoolean());

        var zone = await host.Http.PostAsJsonAsync("/api/zones/xa-tay/commands", new { type = "identify" });
        Assert.Equal(HttpStatusCode.NotFound, zone.StatusCode);
        var zoneProblem = (await zone.Content.ReadFromJsonAsync<ProblemDetails>())!;
        Assert.Equal("Unknown zone", zoneProblem.Title);
        Assert.Contains("No known node is in zone 'xa-tay'", zoneProblem.Detail, StringComparison.Ordinal);
        var unknown = await host.Http.PostAsJsonAsync("/api/nodes/thon-typo/commands", new { type = "identify" });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains("No node 'thon-typo' has been seen", (await unknown.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail, StringComparison.Ordinal);

        foreach (var path in new[] { "/api/zones/xa-dong/commands", "/api/nodes/thon-off/commands", "/api/fleet/commands" })
        {
            var accepted = await SignedControlTests.IssueAsync(host, path, new { type = "identify" });
            Assert.Equal(("pending", (string?)null), OnlyOutcome(await ViewAsync(host, accepted.CommandId)));
        }

        Assert.Equal(3, (await host.Http.GetFromJsonAsync<JsonElement>("/api/nodes/thon-off/commands")).GetArrayLength());
    }

    [Fact]
    public async Task An_answer_ingest_stored_is_shown_after_a_restart_even_when_the_crash_came_before_the_command_was_updated()
    {
        CommandAccepted accepted;
        using (var first = Start())
        {
            await using var node = await SignedControlNode.BornAsync(first, "thon-crash");
            accepted = await SignedControlTests.IssueAsync(first, "/api/nodes/thon-crash/commands", new { type = "rebirth" });
            var done = first.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
            await node.PublishAsync(NodeMessageKind.CommandAck, new CommandAck { Id = accepted.CommandId, NodeId = "thon-crash", Status = CommandAckStatus.Done, Ts = Wire.NodeClock });
            await done;
        }

        // As if killed between ingest storing the acknowledgement and the command's document being updated with it.
        using (var database = new LiteDatabase(new ConnectionString { Filename = Path.Combine(_data.Path, "controller.db"), Connection = ConnectionType.Direct }))
        {
            var commands = database.GetCollection("commands");
            var document = commands.FindById(accepted.CommandId);
            Assert.Equal("done", document["outcomes"][0]["status"].AsString);
            document["outcomes"] = new BsonArray { new BsonDocument { ["node"] = "thon-crash" } };
            commands.Update(document);
        }

        using var second = Start();
        Assert.Equal(("done", (string?)null), OnlyOutcome(await ViewAsync(second, accepted.CommandId)));
    }

    [Fact]
    public async Task Commands_are_pruned_from_the_store_after_the_command_retention()
    {
        using var host = Start();
        await using var node = await SignedControlNode.BornAsync(host, "thon-old");
        var old = await SignedControlTests.IssueAsync(host, "/api/nodes/thon-old/commands", new { type = "identify" });
        _clock.Advance(TimeSpan.FromDays(2));
        var recent = await SignedControlTests.IssueAsync(host, "/api/nodes/thon-old/commands", new { type = "identify" });

        var store = host.Services.GetRequiredService<CommandRepository>();
        await store.MaintainAsync(_clock.GetUtcNow() + TimeSpan.FromDays(399));

        Assert.Null(store.FindCommand(old.CommandId));
        Assert.NotNull(store.FindCommand(recent.CommandId));
    }

    public void Dispose() => _data.Dispose();

    private ControllerHost Start(Action<IServiceCollection>? services = null) =>
        ControllerHost.Start(_data.Path, _clock, DemoKeySettings, services);

    private static async Task<JsonElement> ViewAsync(ControllerHost host, string commandId)
    {
        var response = await host.Http.GetAsync(new Uri($"/api/commands/{commandId}", UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/commands/{commandId}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static (string Status, string? Reason) OnlyOutcome(JsonElement view)
    {
        var outcome = Assert.Single(view.GetProperty("outcomes").EnumerateArray());
        return (outcome.GetProperty("status").GetString()!, outcome.TryGetProperty("reason", out var reason) ? reason.GetString() : null);
    }
}
