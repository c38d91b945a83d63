using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Security;

/// <summary>The Controller side of signed control, end to end over its embedded broker, with a node played by a raw client.</summary>
public sealed class SignedControlTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task Identify_reaches_the_node_as_a_genuine_envelope_and_its_answer_shows_in_the_command()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-1-nha-van-hoa", "thon-1");
        using var trust = await node.TrustAsync(RootPublicKey(), DemoKeys.Kid);

        var accepted = await IssueAsync(host, "/api/nodes/thon-1-nha-van-hoa/commands", new { type = "identify" });
        var (topic, payload) = await node.NextCommandAsync();

        Assert.Equal(Topics.ForNode(node.NodeId, NodeMessageKind.Command), topic);
        var verifier = new CommandVerifier(trust, new ReplayGuard(ReplayState.Empty));
        var verdict = verifier.Verify(payload, node.NodeId, node.Zones, new TrustedTime(host.Clock.GetUtcNow(), Trusted: true));
        Assert.True(verdict.Accepted, verdict.Refusal + " " + verdict.Detail);
        var command = verdict.Envelope!.Command;
        Assert.Equal(accepted.CommandId, command.Id);
        Assert.Equal(accepted.Seq, command.Seq);
        Assert.Equal("identify", command.Type);
        Assert.Equal(host.Clock.GetUtcNow(), command.Ts);
        Assert.Equal(command.Ts.AddMinutes(5), command.Exp);

        var identity = new NodeIdentity { NodeId = node.NodeId, Zones = node.Zones, Software = "1.2.3", Model = "Pi 4", BdSeq = 1, HeartbeatSeconds = 30 };
        var answered = host.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
        await node.PublishAsync(NodeMessageKind.CommandAck, new CommandAck
        {
            Id = command.Id,
            NodeId = node.NodeId,
            Status = CommandAckStatus.Done,
            Result = JsonSerializer.SerializeToElement(identity, ProtocolJsonContext.Default.NodeIdentity),
            Ts = Wire.NodeClock,
        });
        Assert.True((await answered).Accepted);

        var view = await host.Http.GetFromJsonAsync<JsonElement>($"/api/commands/{command.Id}");
        Assert.Equal("identify", view.GetProperty("type").GetString());
        Assert.Equal(command.Seq, view.GetProperty("seq").GetInt64());
        Assert.Equal(node.NodeId, view.GetProperty("target").GetProperty("node").GetString());
        var outcome = Assert.Single(view.GetProperty("outcomes").EnumerateArray());
        Assert.Equal(node.NodeId, outcome.GetProperty("nodeId").GetString());
        Assert.Equal("done", outcome.GetProperty("status").GetString());
        Assert.Equal("Pi 4", outcome.GetProperty("result").GetProperty("model").GetString());

        var listed = await host.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{node.NodeId}/commands?limit=5");
        Assert.Equal(command.Id, Assert.Single(listed.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(1, await host.MetricAsync("sl_commands_issued_total{type=\"identify\"}"));
        Assert.Equal(1, await host.MetricAsync("sl_command_acks_total{status=\"done\",reason=\"\"}"));
        host.AssertNoErrors();
    }

    [Fact]
    public async Task A_command_nobody_answered_is_resent_every_resend_interval_signed_anew_with_a_new_seq_under_the_same_id_until_answered()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-2", "thon-2");
        using var trust = await node.TrustAsync(RootPublicKey(), DemoKeys.Kid);
        var accepted = await IssueAsync(host, "/api/zones/thon-2/commands", new { type = "set-heartbeat", body = new { heartbeatSeconds = 60 } });
        var first = await node.NextCommandAsync();
        Assert.Equal(Topics.ForZoneCommands("thon-2"), first.Topic);

        // The node's ack was lost: the resender, on the Controller's clock, sends the command again.
        host.Clock.Advance(TimeSpan.FromSeconds(20));
        var resent = await node.NextCommandAsync();

        // To the node's own topic (the signed target still names the zone); not the same bytes, which a node refuses as
        // a replay, but the same command signed anew: a node's replay guard accepts both, and it recognises the id.
        Assert.Equal(Topics.ForNode("thon-2", NodeMessageKind.Command), resent.Topic);
        var replay = new ReplayGuard(ReplayState.Empty);
        var verifier = new CommandVerifier(trust, replay);
        var time = new TrustedTime(host.Clock.GetUtcNow(), Trusted: true);
        var original = Accepted(verifier.Verify(first.Payload, node.NodeId, node.Zones, time));
        var again = Accepted(verifier.Verify(resent.Payload, node.NodeId, node.Zones, time));
        Assert.Equal(RefusalReasons.Replayed, verifier.Verify(first.Payload, node.NodeId, node.Zones, time).Refusal);
        Assert.Equal((original.Id, original.Type, original.Target, original.Exp), (again.Id, again.Type, again.Target, again.Exp));
        Assert.Equal(original.Body!.Value.GetRawText(), again.Body!.Value.GetRawText());
        Assert.True(again.Seq > original.Seq, $"{again.Seq} is not above {original.Seq}");
        Assert.Equal(host.Clock.GetUtcNow(), again.Ts);

        var answered = host.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
        await node.PublishAsync(NodeMessageKind.CommandAck, new CommandAck { Id = again.Id, NodeId = node.NodeId, Status = CommandAckStatus.Done, Ts = Wire.NodeClock });
        await answered;
        var view = await host.Http.GetFromJsonAsync<JsonElement>($"/api/commands/{accepted.CommandId}");
        Assert.Equal(accepted.Seq, view.GetProperty("seq").GetInt64());
        Assert.Equal([original.Seq, again.Seq], view.GetProperty("seqs").EnumerateArray().Select(seq => seq.GetInt64()));
        Assert.Equal("done", Assert.Single(view.GetProperty("outcomes").EnumerateArray()).GetProperty("status").GetString());

        var service = host.Services.GetRequiredService<CommandService>();
        var sent = 0;
        service.Sent += (_, _) => Interlocked.Increment(ref sent);
        await service.ResendDueAsync(CancellationToken.None);
        host.Clock.Advance(TimeSpan.FromSeconds(40));
        await service.ResendDueAsync(CancellationToken.None);
        Assert.Equal(0, sent);
        Assert.False(node.TryTakeCommand(out _));
        Assert.Equal(1, await host.MetricAsync("sl_command_resends_total"));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_nodes_refusal_of_a_replay_never_hides_that_it_carried_out_the_command(bool refusalHandledFirst)
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-11");
        var accepted = await IssueAsync(host, "/api/nodes/thon-11/commands", new { type = "identify" });
        await node.NextCommandAsync();
        var answers = new[]
        {
            new CommandAck { Id = accepted.CommandId, NodeId = node.NodeId, Status = CommandAckStatus.Done, Ts = Wire.NodeClock },
            new CommandAck { Id = accepted.CommandId, NodeId = node.NodeId, Status = CommandAckStatus.Refused, Reason = RefusalReasons.Replayed, Ts = Wire.NodeClock },
        };

        // Ingest may hand two answers over in either order (each after its store write), so both orders are stated.
        foreach (var ack in refusalHandledFirst ? answers.Reverse() : answers)
        {
            var answered = host.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
            await node.PublishAsync(NodeMessageKind.CommandAck, ack);
            await answered;
        }

        var view = await host.Http.GetFromJsonAsync<JsonElement>($"/api/commands/{accepted.CommandId}");
        Assert.Equal("done", Assert.Single(view.GetProperty("outcomes").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Two_commands_issued_two_milliseconds_apart_are_both_obeyed_when_the_later_one_arrives_first()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-12", "thon-12");
        using var trust = await node.TrustAsync(RootPublicKey(), DemoKeys.Kid);
        await IssueAsync(host, "/api/nodes/thon-12/commands", new { type = "identify" });
        var earlier = await node.NextCommandAsync();
        host.Clock.Advance(TimeSpan.FromMilliseconds(2));
        await IssueAsync(host, "/api/zones/thon-12/commands", new { type = "rebirth" });
        var later = await node.NextCommandAsync();

        // The node's and the zone's topics are separate queues on the way: the zone's command may well come first.
        var verifier = new CommandVerifier(trust, new ReplayGuard(ReplayState.Empty));
        var time = new TrustedTime(host.Clock.GetUtcNow(), Trusted: true);
        Accepted(verifier.Verify(later.Payload, node.NodeId, node.Zones, time));
        Accepted(verifier.Verify(earlier.Payload, node.NodeId, node.Zones, time));
        Assert.Equal(RefusalReasons.Replayed, verifier.Verify(earlier.Payload, node.NodeId, node.Zones, time).Refusal);
        Assert.Equal(RefusalReasons.Replayed, verifier.Verify(later.Payload, node.NodeId, node.Zones, time).Refusal);
    }

    [Theory]
    [InlineData(RefusalReasons.Replayed)]
    [InlineData(RefusalReasons.TooOld)]
    [InlineData(RefusalReasons.TooManyCommands)]
    public async Task A_node_that_saw_or_cannot_tell_whether_it_saw_a_commands_number_gets_it_again_signed_anew_until_it_answers(string reason)
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-13");
        var accepted = await IssueAsync(host, "/api/nodes/thon-13/commands", new { type = "identify" });
        await node.NextCommandAsync();
        var refused = host.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
        await node.PublishAsync(NodeMessageKind.CommandAck, new CommandAck
        {
            Id = accepted.CommandId, NodeId = node.NodeId, Status = CommandAckStatus.Refused, Reason = reason, Ts = Wire.NodeClock,
        });
        await refused;

        // Not the node's answer to the command: it answers a duplicate envelope, or could not tell. A fresh number gets one.
        host.Clock.Advance(TimeSpan.FromSeconds(20));
        await host.Services.GetRequiredService<CommandService>().ResendDueAsync(CancellationToken.None);
        var again = CommandEnvelopeCodec.Parse((await node.NextCommandAsync()).Payload).Message!.Command;

        Assert.Equal(accepted.CommandId, again.Id);
        Assert.True(again.Seq > accepted.Seq, $"{again.Seq} is not above {accepted.Seq}");
    }

    [Fact]
    public async Task A_command_is_not_resent_after_it_expired_and_its_silent_nodes_show_as_unanswered()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-3");
        var accepted = await IssueAsync(host, "/api/nodes/thon-3/commands", new { type = "rebirth" });
        await node.NextCommandAsync();

        var service = host.Services.GetRequiredService<CommandService>();
        var sent = 0;
        service.Sent += (_, _) => Interlocked.Increment(ref sent);
        host.Clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));
        await service.ResendDueAsync(CancellationToken.None);

        Assert.Equal(0, sent);
        var view = await host.Http.GetFromJsonAsync<JsonElement>($"/api/commands/{accepted.CommandId}");
        Assert.Equal("unanswered", Assert.Single(view.GetProperty("outcomes").EnumerateArray()).GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_clock_sync_request_gets_a_signed_reply_that_the_node_verifies_and_a_flood_is_rate_limited()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-4");
        using var trust = await node.TrustAsync(RootPublicKey(), DemoKeys.Kid);
        var first = Request("0123456789abcdef0123456789abcdef");
        var flood = Request("ffffffffffffffffffffffffffffffff");

        await node.PublishAsync(NodeMessageKind.TimeRequest, first);
        var reply = await node.NextTimeReplyAsync();
        var floodHandled = host.WaitForIngest(result => result.Kind == NodeMessageKind.TimeRequest);
        await node.PublishAsync(NodeMessageKind.TimeRequest, flood);
        await floodHandled;

        var (sample, refusal) = ClockSyncCheck.Verify(reply, node.NodeId, first, trust, Wire.NodeClock.AddMilliseconds(40));
        Assert.Null(refusal);
        Assert.NotNull(sample);
        Assert.Equal(RefusalReasons.WrongTarget, ClockSyncCheck.Verify(reply, "thon-5", first, trust, Wire.NodeClock.AddMilliseconds(40)).Refusal);
        Assert.Equal(RefusalReasons.Replayed, ClockSyncCheck.Verify(reply, node.NodeId, flood, trust, Wire.NodeClock.AddMilliseconds(40)).Refusal);

        // A second later the node is answered again; the flood request inside the second never was.
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var later = Request("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa");
        await node.PublishAsync(NodeMessageKind.TimeRequest, later);
        var laterReply = SignedPayloadCodec.Parse<ClockSyncReply>(await node.NextTimeReplyAsync()).Message!.Message;
        Assert.Equal(later.Nonce, laterReply.Nonce);
        Assert.Equal(1, await host.MetricAsync("sl_clock_sync_dropped_total{reason=\"rate-limited\"}"));
        Assert.Equal(host.Clock.GetUtcNow(), laterReply.T2);
    }

    [Fact]
    public async Task A_node_that_refused_for_want_of_trusted_time_gets_the_command_again_right_after_its_clock_sync()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-6");
        await IssueAsync(host, "/api/nodes/thon-6/commands", new { type = "identify" });
        var (_, payload) = await node.NextCommandAsync();
        var command = CommandEnvelopeCodec.Parse(payload).Message!.Command;
        var refused = host.WaitForIngest(result => result.Kind == NodeMessageKind.CommandAck);
        await node.PublishAsync(NodeMessageKind.CommandAck, new CommandAck
        {
            Id = command.Id, NodeId = node.NodeId, Status = CommandAckStatus.Refused, Reason = RefusalReasons.ClockUntrusted, Ts = Wire.NodeClock,
        });
        await refused;

        await node.PublishAsync(NodeMessageKind.TimeRequest, Request("0123456789abcdef0123456789abcdef"));
        await node.NextTimeReplyAsync();
        var again = CommandEnvelopeCodec.Parse((await node.NextCommandAsync()).Payload).Message!.Command;

        Assert.Equal(command.Id, again.Id);
        Assert.True(again.Seq > command.Seq, $"{again.Seq} is not above {command.Seq}");
    }

    [Fact]
    public async Task Without_keys_the_fleet_view_works_and_commands_answer_503_saying_how_to_configure_keys()
    {
        using var host = ControllerHost.Start(_data.Path);
        await using var node = await SignedControlNode.BornAsync(host, "thon-7");

        var response = await host.Http.PostAsJsonAsync("/api/nodes/thon-7/commands", new { type = "identify" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains("Security:GenerateDemoKeys", problem!.Detail, StringComparison.Ordinal);
        Assert.Contains("keys init-root", problem.Detail, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync(new Uri("/api/nodes/thon-7", UriKind.Relative))).StatusCode);
        Assert.False(File.Exists(Path.Combine(_data.Path, "keys", DemoKeys.RootKeyFile)));
    }

    [Theory]
    [InlineData("{\"type\":\"self-destruct\"}", "not a command type")]
    [InlineData("{}", "'type' is required")]
    [InlineData("{\"type\":\"set-heartbeat\"}", "heartbeatSeconds")]
    [InlineData("{\"type\":\"set-heartbeat\",\"body\":{\"heartbeatSeconds\":5}}", "10–300")]
    [InlineData("{\"type\":\"set-heartbeat\",\"body\":{\"heartbeatSeconds\":301}}", "'heartbeatSeconds' must be 10–300, not 301.")]
    [InlineData("{\"type\":\"set-heartbeat\",\"body\":{\"heartbeatSeconds\":\"soon\"}}", "does not fit")]
    [InlineData("{\"type\":\"identify\",\"body\":[1]}", "must be a JSON object")]
    public async Task A_wrong_type_or_body_is_a_400_that_says_what_is_wrong(string json, string expected)
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-8");

        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        var response = await host.Http.PostAsync(new Uri("/api/nodes/thon-8/commands", UriKind.Relative), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Contains(expected, problem!.Detail, StringComparison.Ordinal);
        Assert.False(node.TryTakeCommand(out _));
    }

    [Fact]
    public async Task Set_heartbeat_may_ask_up_to_the_maximum_the_controller_believes()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-hb");

        await IssueAsync(host, "/api/nodes/thon-hb/commands", new { type = "set-heartbeat", body = new { heartbeatSeconds = 300 } });
        Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.PostAsJsonAsync("/api/nodes/thon-hb/commands", new { type = "set-heartbeat", body = new { heartbeatSeconds = 301 } })).StatusCode);
    }

    [Fact]
    public async Task A_lower_configured_maximum_narrows_what_set_heartbeat_may_ask()
    {
        using var host = ControllerHost.Start(
            _data.Path, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true", ["Fleet:MaxHeartbeat"] = "00:01:00" });
        await using var node = await SignedControlNode.BornAsync(host, "thon-hb");

        await IssueAsync(host, "/api/nodes/thon-hb/commands", new { type = "set-heartbeat", body = new { heartbeatSeconds = 60 } });
        var refused = await host.Http.PostAsJsonAsync("/api/nodes/thon-hb/commands", new { type = "set-heartbeat", body = new { heartbeatSeconds = 61 } });
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("'heartbeatSeconds' must be 10–60, not 61.", (await refused.Content.ReadFromJsonAsync<ProblemDetails>())!.Detail);
    }

    [Fact]
    public async Task An_unknown_node_or_command_is_a_404()
    {
        using var host = StartWithDemoKeys();

        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.PostAsJsonAsync("/api/nodes/nobody/commands", new { type = "identify" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync(new Uri("/api/commands/0123", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Refusals_reported_by_nodes_are_counted_by_reason_and_listed_per_node()
    {
        using var host = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(host, "thon-9");
        foreach (var (id, reason) in new[] { ("e1", RefusalReasons.Replayed), ("e2", RefusalReasons.Replayed), ("e3", "made-up-by-a-hostile-node") })
        {
            var stored = host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
            await node.PublishAsync(NodeMessageKind.Event, Wire.Event("refusal-" + id) with { Kind = "security.refused", Code = reason });
            Assert.True((await stored).Accepted);
        }

        Assert.Equal(2, await host.MetricAsync("sl_node_security_refusals_total{reason=\"replayed\"}"));
        Assert.Equal(1, await host.MetricAsync("sl_node_security_refusals_total{reason=\"other\"}"));
        var summary = Assert.Single((await host.Http.GetFromJsonAsync<JsonElement>("/api/security/refusals")).EnumerateArray());
        Assert.Equal("thon-9", summary.GetProperty("nodeId").GetString());
        Assert.Equal(3, summary.GetProperty("refusals").GetInt32());
        Assert.Equal(2, summary.GetProperty("byReason").GetProperty("replayed").GetInt32());
    }

    [Fact]
    public async Task Demo_keys_are_made_once_and_reused_so_a_node_that_pinned_the_root_keeps_trusting_the_controller()
    {
        byte[] pinned;
        using (var first = StartWithDemoKeys())
        {
            pinned = RootPublicKey();
            Assert.Contains(first.Logs.Lines, line => line.Level == Microsoft.Extensions.Logging.LogLevel.Warning && line.Message.Contains("DEMO KEYS", StringComparison.Ordinal));
        }

        using var second = StartWithDemoKeys();
        await using var node = await SignedControlNode.BornAsync(second, "thon-10");
        using var trust = await node.TrustAsync(pinned, DemoKeys.Kid);
        await IssueAsync(second, "/api/nodes/thon-10/commands", new { type = "identify" });
        var (_, payload) = await node.NextCommandAsync();

        var verdict = new CommandVerifier(trust, new ReplayGuard(ReplayState.Empty))
            .Verify(payload, node.NodeId, node.Zones, new TrustedTime(second.Clock.GetUtcNow(), Trusted: true));
        Assert.True(verdict.Accepted, verdict.Refusal);
    }

    public void Dispose() => _data.Dispose();

    internal static async Task<CommandAccepted> IssueAsync(ControllerHost host, string path, object request)
    {
        var response = await host.Http.PostAsJsonAsync(path, request);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        var accepted = await response.Content.ReadFromJsonAsync<CommandAccepted>();
        Assert.Equal($"/api/commands/{accepted!.CommandId}", response.Headers.Location?.OriginalString);
        return accepted;
    }

    private static SignedCommand Accepted(CommandVerdict verdict)
    {
        Assert.True(verdict.Accepted, verdict.Refusal + " " + verdict.Detail);
        return verdict.Envelope!.Command;
    }

    private static ClockSyncRequest Request(string nonce) => new() { Nonce = nonce, T1 = Wire.NodeClock };

    private ControllerHost StartWithDemoKeys() =>
        ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" });

    private byte[] RootPublicKey() => KeyFiles.ReadPublicKey(Path.Combine(_data.Path, "keys", DemoKeys.RootPublicKeyFile));
}
