using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests;

/// <summary>
/// Signed control on a real in-process broker: only commands signed by a key the pinned root certified, addressed to
/// this node, fresh and never seen before are obeyed; everything else — the very same bytes again included — is refused,
/// acknowledged as refused, reported and counted, and none of it stops health from flowing. A Controller resend is a new
/// signature and sequence number under the same command id: answered as before, never acted on twice.
/// </summary>
public sealed class SignedControlTests : IAsyncLifetime, IDisposable
{
    private const string NodeId = "thon-1";
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private readonly FakeTimeProvider _time = new(TestKeys.Now);
    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly List<NodeAgent> _agents = [];
    private readonly TestKeys _keys = new();
    private readonly string _data = Directory.CreateTempSubdirectory("sl-node-control-").FullName;
    private TestBroker _broker = null!;
    private MessageRecorder _recorder = null!;

    public async Task InitializeAsync()
    {
        _broker = await TestBroker.StartAsync();
        _recorder = await MessageRecorder.StartAsync(_broker);
        await _recorder.PublishAsync(Topics.ForControllerKey(_keys.Controller.Kid), _keys.Certificate(_keys.Controller), retain: true);
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _recorder.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        Assert.Empty(_logger.Errors);
        Assert.Empty(_broker.Errors);
    }

    public void Dispose() => _keys.Dispose();

    [Fact]
    public async Task A_genuine_identify_is_obeyed_and_answered_with_the_node_identity()
    {
        var agent = await StartAgentAsync();
        var birth = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth)).Decode<NodeBirth>();
        Assert.Contains("commands", birth.Capabilities);

        var command = _keys.Command("identify", NodeId);
        var ack = await SendAsync(_keys.Controller.Sign(command));

        Assert.Equal(CommandAckStatus.Done, ack.Status);
        Assert.Equal(NodeId, ack.NodeId);
        var identity = ack.Result!.Value.Deserialize(ProtocolJsonContext.Default.NodeIdentity)!;
        Assert.Equal(NodeId, identity.NodeId);
        Assert.Equal(["zone-1"], identity.Zones);
        Assert.Equal(30, identity.HeartbeatSeconds);
        Assert.Equal(agent.BdSeq, identity.BdSeq);
        Assert.True(identity.ClockTrusted);
        Assert.Equal(command.Seq, identity.CommandHighWater);
        Assert.Equal(0, agent.RefusedCommands);
    }

    [Fact]
    public async Task Forged_unsigned_expired_misaddressed_unknown_key_and_replayed_commands_are_refused_reported_and_counted()
    {
        var agent = await StartAgentAsync();
        var genuine = _keys.Controller.Sign(_keys.Command("emergency-test", NodeId));
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(genuine)).Status);

        var cases = new (string Reason, byte[] Payload)[]
        {
            (RefusalReasons.BadSignature, _keys.Stranger.Sign(_keys.Command("identify", NodeId))),
            (RefusalReasons.Malformed, WireCodec.Encode(_keys.Command("identify", NodeId))),
            (RefusalReasons.Expired, _keys.Controller.Sign(_keys.Command("identify", NodeId, ts: TestKeys.Now.AddHours(-2)))),
            (RefusalReasons.WrongTarget, _keys.Controller.Sign(_keys.Command("identify", "thon-2"))),
            (RefusalReasons.UnknownKey, _keys.Rotated.Sign(_keys.Command("identify", NodeId, kid: _keys.Rotated.Kid))),
            (RefusalReasons.Replayed, genuine),
        };
        foreach (var (reason, payload) in cases)
        {
            var ack = await SendAsync(payload);
            Assert.Equal(CommandAckStatus.Refused, ack.Status);
            Assert.Equal(reason, ack.Reason);
            var refusal = await WaitForEventAsync(e => e.Kind == "security.refused" && e.Code == reason);
            Assert.Equal(EventSeverity.Warning, refusal.Severity);
            Assert.Contains(ack.Id, refusal.Text, StringComparison.Ordinal);
            Assert.Contains(Topics.ForNode(NodeId, NodeMessageKind.Command), refusal.Text, StringComparison.Ordinal);
        }

        Assert.Equal(cases.Length, agent.RefusedCommands);
        Assert.Equal(cases.Length, _logger.Warnings.Count(w => w.Contains("Refused command", StringComparison.Ordinal)));
        Assert.Equal(cases.Length, (await NextHealthAsync()).RefusedCommands);
        Assert.Single(Events(e => e.Kind == "emergency.test"));
    }

    [Fact]
    public async Task A_controller_resend_under_the_same_id_gets_the_same_answer_without_a_second_action_and_the_same_bytes_again_are_refused()
    {
        var agent = await StartAgentAsync();
        var command = _keys.Command("emergency-test", NodeId, new EmergencyTestCommand { Note = "monthly drill" });
        var envelope = _keys.Controller.Sign(command);
        var first = await SendAsync(envelope);
        Assert.Equal(CommandAckStatus.Done, first.Status);

        // The very bytes again, at once: what an attacker who captured them sends. Refused and reported.
        var replay = await SendAsync(envelope);
        Assert.Equal((CommandAckStatus.Refused, RefusalReasons.Replayed), (replay.Status, replay.Reason));
        var reported = await WaitForEventAsync(e => e.Kind == "security.refused" && e.Code == RefusalReasons.Replayed);
        Assert.Contains(command.Id, reported.Text, StringComparison.Ordinal);
        Assert.Contains($"seq {command.Seq}", reported.Text, StringComparison.Ordinal);

        // The Controller's resend after a lost ack: signed anew, a new seq, the same id. The answer given the first time.
        var resend = _keys.Controller.Sign(_keys.Resend(command, _time.GetUtcNow()));
        var again = await SendAsync(resend);
        Assert.Equal(first, again);

        // The same id asking for something else is no resend (reported once the minute's report of "replayed" is over).
        _time.Advance(TimeSpan.FromMinutes(1));
        var otherContent = await SendAsync(_keys.Controller.Sign(_keys.Command("emergency-test", NodeId, new EmergencyTestCommand { Note = "real" }, ts: _time.GetUtcNow(), id: command.Id)));
        Assert.Equal((CommandAckStatus.Refused, RefusalReasons.Replayed), (otherContent.Status, otherContent.Reason));
        await WaitForEventAsync(e => e.Kind == "security.refused" && e.Text!.Contains("id reused", StringComparison.Ordinal));

        // And the resend's bytes, once spent, are a replay like any other.
        Assert.Equal(RefusalReasons.Replayed, (await SendAsync(resend)).Reason);

        await NextHealthAsync();
        var test = Assert.Single(Events(e => e.Kind == "emergency.test"));
        Assert.Contains("monthly drill", test.Text, StringComparison.Ordinal);
        Assert.Equal(EventSeverity.Warning, test.Severity);
        Assert.Equal(3, agent.RefusedCommands);
    }

    [Fact]
    public async Task After_a_reboot_the_node_still_refuses_replays_answers_resends_as_before_and_trusts_stored_keys_without_the_broker()
    {
        var before = await StartAgentAsync();
        var command = _keys.Command("emergency-test", NodeId);
        var envelope = _keys.Controller.Sign(command);
        var first = await SendAsync(envelope);
        Assert.Equal(CommandAckStatus.Done, first.Status);
        await before.DisposeAsync();

        // The broker no longer holds the certificate: the node must verify with what it stored.
        await _recorder.PublishAsync(Topics.ForControllerKey(_keys.Controller.Kid), [], retain: true);
        var after = await StartAgentAsync();
        Assert.True(File.Exists(Path.Combine(_data, "commands.json")));
        Assert.True(File.Exists(Path.Combine(_data, "trust.json")));

        Assert.Equal(RefusalReasons.Replayed, (await SendAsync(envelope)).Reason);
        var sameSeq = await SendAsync(_keys.Controller.Sign(_keys.Command("emergency-test", NodeId, seq: command.Seq)));
        Assert.Equal(RefusalReasons.Replayed, sameSeq.Reason);
        var resent = await SendAsync(_keys.Controller.Sign(_keys.Resend(command, _time.GetUtcNow())));
        Assert.Equal(first, resent);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)))).Status);

        await NextHealthAsync();
        Assert.Single(Events(e => e.Kind == "emergency.test"));
        Assert.Equal(2, after.RefusedCommands);
    }

    [Fact]
    public async Task Commands_that_arrive_out_of_order_within_the_window_are_each_obeyed_once_and_older_ones_are_refused_as_too_old()
    {
        var agent = await StartAgentAsync();
        const long issued = 1_795_334_400_000_000;
        var later = _keys.Controller.Sign(_keys.Command("identify", NodeId, seq: issued + 2_000));
        var earlier = _keys.Controller.Sign(_keys.Command("identify", NodeId, target: new CommandTarget { Zone = "zone-1" }, seq: issued));
        var muchEarlier = _keys.Controller.Sign(_keys.Command("identify", NodeId, target: new CommandTarget { All = true }, seq: issued + 2_000 - ReplayGuard.Window));

        Assert.Equal(CommandAckStatus.Done, (await SendAsync(later)).Status);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(earlier, Topics.ForZoneCommands("zone-1"))).Status);
        var tooOld = await SendAsync(muchEarlier, Topics.FleetCommands);

        Assert.Equal((CommandAckStatus.Refused, RefusalReasons.TooOld), (tooOld.Status, tooOld.Reason));
        await WaitForEventAsync(e => e.Kind == "security.refused" && e.Code == RefusalReasons.TooOld);
        Assert.Equal(RefusalReasons.Replayed, (await SendAsync(earlier, Topics.ForZoneCommands("zone-1"))).Reason);
        Assert.Equal(2, agent.RefusedCommands);
    }

    [Fact]
    public async Task A_replay_state_written_by_the_previous_version_is_read_with_the_window_it_had_so_nothing_it_forgot_is_accepted()
    {
        // As the previous build wrote it: numbers within 1,024 below the high-water mark, older ones forgotten and refused.
        var obeyed = _keys.Command("emergency-test", NodeId, seq: 50_000);
        const string OutcomeHash = "hash-of-the-old-build";
        await File.WriteAllTextAsync(Path.Combine(_data, "commands.json"), $$"""
            {"v":1,"highWater":50000,"recent":[49990,50000],"outcomes":[{"id":"{{obeyed.Id}}","hash":"{{OutcomeHash}}","status":"done","ts":"2026-11-22T05:59:00+00:00"}]}
            """);
        var agent = await StartAgentAsync();

        Assert.Equal(RefusalReasons.Replayed, (await SendAsync(_keys.Controller.Sign(obeyed))).Reason);
        Assert.Equal(RefusalReasons.Replayed, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, seq: 49_990)))).Reason);
        Assert.Equal(RefusalReasons.TooOld, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, seq: 50_000 - 1_024)))).Reason);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, seq: 49_995)))).Status);
        await agent.DisposeAsync();

        using var rewritten = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(_data, "commands.json")));
        var root = rewritten.RootElement;
        Assert.Equal(CommandStateFile.Version, root.GetProperty("v").GetInt32());
        Assert.Equal(50_000 - 1_024, root.GetProperty("floor").GetInt64());
        Assert.Equal([49_990, 49_995, 50_000], root.GetProperty("recent").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Contains(root.GetProperty("outcomes").EnumerateArray(), o => o.GetProperty("hash").GetString() == OutcomeHash);

        await StartAgentAsync();
        Assert.Equal(RefusalReasons.TooOld, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, seq: 48_000)))).Reason);
        Assert.Equal(RefusalReasons.Replayed, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, seq: 49_995)))).Reason);
    }

    [Fact]
    public async Task A_resend_of_an_early_id_is_answered_as_before_without_a_second_action_while_the_cache_fills_to_its_capacity()
    {
        // Earlier, unexpired outcomes (as a version 2 file holds them, without exp) fill all but the last 66 places.
        const int Later = 65;
        SeedOutcomes(Enumerable.Repeat(TestKeys.Now, OutcomeCache.Capacity - Later - 1));
        var agent = await StartAgentAsync();
        var command = _keys.Command("emergency-test", NodeId, new EmergencyTestCommand { Note = "once" });
        var first = await SendAsync(_keys.Controller.Sign(command));
        Assert.Equal(CommandAckStatus.Done, first.Status);

        // More commands since than the 64 outcomes the node used to keep: the cache is now exactly full.
        for (var i = 0; i < Later; i++)
        {
            Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)))).Status);
        }

        // The Controller's resend of the early, unexpired command: a new seq, the same id. The stored answer, no second action.
        var resent = await SendAsync(_keys.Controller.Sign(_keys.Resend(command, _time.GetUtcNow())));
        Assert.Equal(first, resent);

        await NextHealthAsync();
        Assert.Single(Events(e => e.Kind == "emergency.test"));
        Assert.Equal(0, agent.RefusedCommands);
    }

    [Fact]
    public async Task A_cache_full_of_unexpired_ids_refuses_a_new_id_without_acting_and_forgets_none()
    {
        SeedOutcomes(Enumerable.Repeat(TestKeys.Now, OutcomeCache.Capacity));
        var agent = await StartAgentAsync();

        var refused = await SendAsync(_keys.Controller.Sign(_keys.Command("emergency-test", NodeId)));

        Assert.Equal((CommandAckStatus.Refused, RefusalReasons.TooManyCommands), (refused.Status, refused.Reason));
        await WaitForEventAsync(e => e.Kind == "security.refused" && e.Code == RefusalReasons.TooManyCommands);
        await NextHealthAsync();
        Assert.Empty(Events(e => e.Kind == "emergency.test"));
        Assert.Equal(1, agent.RefusedCommands);
        await agent.DisposeAsync();
        Assert.Equal(OutcomeCache.Capacity, StoredOutcomeIds().Count(id => id.StartsWith("seeded-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Outcomes_are_dropped_once_their_commands_have_expired_on_trusted_time_and_only_then()
    {
        // Half decided a day ago (a version 2 file has no exp: kept for the longest lifetime, 24 h, plus skew), half now.
        var dayOld = TestKeys.Now - TimeSpan.FromDays(1);
        SeedOutcomes(Enumerable.Repeat(dayOld, OutcomeCache.Capacity / 2).Concat(Enumerable.Repeat(TestKeys.Now, OutcomeCache.Capacity / 2)));
        var agent = await StartAgentAsync();
        Assert.Equal(RefusalReasons.TooManyCommands, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)))).Reason);

        // Past the day-old ones' latest expiry plus the skew the verifier allows: they can no longer be resent validly.
        _time.Advance(CommandStateFile.LegacyExpiry - TimeSpan.FromDays(1) + CommandVerifier.MaxClockSkew + TimeSpan.FromMinutes(1));
        var command = _keys.Command("identify", NodeId, ts: _time.GetUtcNow());
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(command))).Status);
        await agent.DisposeAsync();

        var stored = StoredOutcomeIds();
        Assert.Equal(OutcomeCache.Capacity / 2 + 1, stored.Count);
        Assert.Contains(command.Id, stored);
        Assert.All(Enumerable.Range(OutcomeCache.Capacity / 2, OutcomeCache.Capacity / 2), i => Assert.Contains($"seeded-{i}", stored));
    }

    [Fact]
    public async Task Without_trusted_time_only_emergency_commands_are_obeyed_and_replays_of_them_are_still_refused()
    {
        await StartAgentAsync(trustSystemClock: false);
        var request = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.TimeRequest)).Decode<ClockSyncRequest>();
        Assert.Equal(22, request.Nonce.Length);

        var emergency = _keys.Command("emergency-test", NodeId);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(emergency))).Status);
        var identify = await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)));
        Assert.Equal(RefusalReasons.ClockUntrusted, identify.Reason);
        var replay = await SendAsync(_keys.Controller.Sign(_keys.Command("emergency-test", NodeId, seq: emergency.Seq)));
        Assert.Equal(RefusalReasons.Replayed, replay.Reason);

        // Still untrusted, so it keeps asking every 30 s.
        var fromIndex = _recorder.Count;
        _time.Advance(TimeSpan.FromSeconds(30));
        await _recorder.WaitForAsync(NodeId, NodeMessageKind.TimeRequest, fromIndex);
    }

    [Fact]
    public async Task An_authenticated_clock_reply_makes_time_trusted_and_its_offset_is_used_while_a_forged_one_is_ignored()
    {
        var agent = await StartAgentAsync(trustSystemClock: false);
        var request = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.TimeRequest)).Decode<ClockSyncRequest>();
        var controllerNow = request.T1.AddHours(1);
        var replyTopic = Topics.ForNode(NodeId, NodeMessageKind.TimeReply);

        await _recorder.PublishAsync(replyTopic, TestKeys.ClockReply(_keys.Stranger, NodeId, request, controllerNow));
        await _recorder.PublishAsync(replyTopic, TestKeys.ClockReply(_keys.Controller, "thon-2", request, controllerNow));
        var stillUntrusted = await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, ts: controllerNow)));
        Assert.Equal(RefusalReasons.ClockUntrusted, stillUntrusted.Reason);
        Assert.Equal(2, agent.Control!.IgnoredClockReplies);

        await _recorder.PublishAsync(replyTopic, TestKeys.ClockReply(_keys.Controller, NodeId, request, controllerNow));
        var ack = await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, ts: controllerNow)));
        Assert.Equal(CommandAckStatus.Done, ack.Status);
        Assert.True(ack.Result!.Value.Deserialize(ProtocolJsonContext.Default.NodeIdentity)!.ClockTrusted);

        // A second reply to the same request: its nonce is spent, so it cannot move the clock.
        await _recorder.PublishAsync(replyTopic, TestKeys.ClockReply(_keys.Controller, NodeId, request, controllerNow.AddHours(5)));
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId, ts: controllerNow)))).Status);
        Assert.Equal(3, agent.Control.IgnoredClockReplies);
        var health = await NextHealthAsync();
        Assert.Equal("controller", health.Clock.Source);
        Assert.Equal(3_600_000, health.Clock.OffsetMs);
    }

    [Fact]
    public async Task A_rotated_key_is_obeyed_alongside_the_old_one_until_the_root_revokes_the_old_one()
    {
        await StartAgentAsync();
        await _recorder.PublishAsync(Topics.ForControllerKey(_keys.Rotated.Kid), _keys.Certificate(_keys.Rotated), retain: true);

        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Rotated.Sign(_keys.Command("identify", NodeId, kid: _keys.Rotated.Kid)))).Status);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)))).Status);

        await _recorder.PublishAsync(Topics.ControllerRevocations, _keys.Revocation(1, _keys.Controller.Kid), retain: true);
        var revoked = await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)));
        Assert.Equal(CommandAckStatus.Refused, revoked.Status);
        Assert.Equal(RefusalReasons.RevokedKey, revoked.Reason);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Rotated.Sign(_keys.Command("identify", NodeId, kid: _keys.Rotated.Kid)))).Status);

        // A revocation list not signed by the root takes nothing back and adds nothing.
        await _recorder.PublishAsync(Topics.ControllerRevocations, _keys.Stranger.Sign(new KeyRevocationList { Serial = 2, IssuedAt = TestKeys.Now, RevokedKids = [_keys.Rotated.Kid] }), retain: true);
        Assert.Equal(CommandAckStatus.Done, (await SendAsync(_keys.Rotated.Sign(_keys.Command("identify", NodeId, kid: _keys.Rotated.Kid)))).Status);
    }

    [Fact]
    public async Task A_flood_of_bad_envelopes_leaves_health_flowing_and_sends_only_a_few_security_events()
    {
        const int Flood = 2000;
        var agent = await StartAgentAsync();
        var firstHealth = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health);
        var allCounted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        agent.Control!.Processed += () =>
        {
            if (agent.RefusedCommands >= Flood)
            {
                allCounted.TrySetResult();
            }
        };
        var forged = Enumerable.Range(0, Flood).Select(_ => _keys.Stranger.Sign(_keys.Command("emergency-test", NodeId))).ToList();

        var flooding = Task.Run(async () =>
        {
            foreach (var payload in forged)
            {
                await _recorder.PublishAsync(Topics.ForNode(NodeId, NodeMessageKind.Command), payload);
            }
        });
        var health = firstHealth;
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(Heartbeat);
            health = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health, health.Index + 1);
        }

        await flooding.WaitAsync(Timeout);
        await allCounted.Task.WaitAsync(Timeout);
        var ack = await SendAsync(_keys.Controller.Sign(_keys.Command("identify", NodeId)));
        Assert.Equal(CommandAckStatus.Done, ack.Status);

        var report = await NextHealthAsync();
        Assert.Equal(Flood, report.RefusedCommands);
        // At most one per reason per minute: the flood spanned two minutes of the node's clock.
        var securityEvents = Events(e => e.Kind == "security.refused");
        Assert.InRange(securityEvents.Count, 1, 4);
        Assert.All(securityEvents, e => Assert.True(e.Code is RefusalReasons.BadSignature or RefusalReasons.Overloaded, e.Code));
        Assert.Empty(Events(e => e.Kind == "emergency.test"));
    }

    [Fact]
    public async Task Set_heartbeat_changes_the_interval_announces_it_and_keeps_it_across_a_restart()
    {
        var agent = await StartAgentAsync();
        var firstHealth = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health);

        var ack = await SendAsync(_keys.Controller.Sign(_keys.Command("set-heartbeat", NodeId, new SetHeartbeatCommand { HeartbeatSeconds = 60 })));
        Assert.Equal(CommandAckStatus.Done, ack.Status);
        var birth = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.Birth) && m.Decode<NodeBirth>().HeartbeatSeconds == 60, firstHealth.Index);
        var rebirthHealth = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health, birth.Index);
        Assert.Equal(TimeSpan.FromSeconds(60), agent.Heartbeat);

        _time.Advance(TimeSpan.FromSeconds(60));
        var next = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health, rebirthHealth.Index + 1)).Decode<NodeHealth>();
        Assert.Equal(2, next.Seq);

        var bad = await SendAsync(_keys.Controller.Sign(_keys.Command("set-heartbeat", NodeId, new SetHeartbeatCommand { HeartbeatSeconds = 5 })));
        Assert.Equal(CommandAckStatus.Failed, bad.Status);
        Assert.Equal(RefusalReasons.BadBody, bad.Reason);

        // Above the protocol's 300 s the node refuses too: no command can stretch the Controller's offline rule.
        var tooLong = await SendAsync(_keys.Controller.Sign(_keys.Command("set-heartbeat", NodeId, new SetHeartbeatCommand { HeartbeatSeconds = 301 })));
        Assert.Equal((CommandAckStatus.Failed, RefusalReasons.BadBody), (tooLong.Status, tooLong.Reason));
        Assert.Equal(TimeSpan.FromSeconds(60), agent.Heartbeat);

        await agent.DisposeAsync();
        var fromIndex = _recorder.Count;
        await StartAgentAsync();
        var restarted = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth, fromIndex)).Decode<NodeBirth>();
        Assert.Equal(60, restarted.HeartbeatSeconds);
    }

    [Fact]
    public async Task Set_quiet_hours_is_kept_enforced_reported_in_health_and_kept_across_a_restart()
    {
        var agent = await StartAgentAsync();
        await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health);
        Assert.Equal(0, (await NextHealthAsync()).QuietHours!.Version);

        // TestKeys.Now is 13:00 in Vietnam: a midday window puts the node in quiet hours at once.
        var midday = new QuietHours(new TimeOnly(12, 0), new TimeOnly(14, 0));
        var ack = await SendAsync(_keys.Controller.Sign(_keys.Command("set-quiet-hours", NodeId, SetQuietHoursCommand.For(4, "Asia/Ho_Chi_Minh", midday))));
        Assert.Equal(CommandAckStatus.Done, ack.Status);
        Assert.Equal(4, ack.Result!.Value.GetProperty("version").GetInt64());
        Assert.True(agent.QuietHours.IsActive);
        Assert.False(agent.QuietHours.Admits(PriorityClass.Normal));
        Assert.True(agent.QuietHours.Admits(PriorityClass.Emergency));
        var health = await NextHealthAsync();
        Assert.Equal(new QuietHoursHealth { Version = 4, Active = true }, health.QuietHours);

        var unknownZone = await SendAsync(_keys.Controller.Sign(_keys.Command("set-quiet-hours", NodeId, SetQuietHoursCommand.For(5, "Mars/Olympus", midday))));
        Assert.Equal((CommandAckStatus.Failed, RefusalReasons.BadBody), (unknownZone.Status, unknownZone.Reason));
        Assert.Equal(4, agent.QuietHours.Setting.Version);

        await agent.DisposeAsync();
        var restarted = await StartAgentAsync();
        Assert.Equal(4, restarted.QuietHours.Setting.Version);
        Assert.Equal(midday, restarted.QuietHours.Setting.Window);
        Assert.Equal(new QuietHoursHealth { Version = 4, Active = true }, (await NextHealthAsync()).QuietHours);
    }

    [Fact]
    public async Task Rebirth_publishes_a_new_birth_of_the_same_session_then_health()
    {
        var agent = await StartAgentAsync();
        var firstHealth = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health);

        var ack = await SendAsync(_keys.Controller.Sign(_keys.Command("rebirth", NodeId, target: new CommandTarget { All = true })), Topics.FleetCommands);

        Assert.Equal(CommandAckStatus.Done, ack.Status);
        var rebirth = await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth, firstHealth.Index);
        var birth = rebirth.Decode<NodeBirth>();
        Assert.Equal(agent.BdSeq, birth.BdSeq);
        Assert.Equal(0, birth.Seq);
        Assert.Equal(1, (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health, rebirth.Index)).Decode<NodeHealth>().Seq);
    }

    [Fact]
    public async Task Zone_commands_reach_the_nodes_of_the_zone()
    {
        await StartAgentAsync();
        var ack = await SendAsync(
            _keys.Controller.Sign(_keys.Command("identify", NodeId, target: new CommandTarget { Zone = "zone-1" })), Topics.ForZoneCommands("zone-1"));
        Assert.Equal(CommandAckStatus.Done, ack.Status);
    }

    [Fact]
    public async Task Without_a_root_key_the_node_announces_no_commands_and_obeys_none()
    {
        var agent = NodeComposer.Compose(Settings(trustSystemClock: true) with { RootPublicKey = null }, NodeDrivers.Simulated(1), _time, _logger);
        _agents.Add(agent);
        await agent.StartAsync(CancellationToken.None);
        var birth = (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth)).Decode<NodeBirth>();
        Assert.DoesNotContain("commands", birth.Capabilities);
        Assert.Single(_logger.Warnings, w => w.Contains("obeys NO command", StringComparison.Ordinal));

        await _recorder.PublishAsync(Topics.ForNode(NodeId, NodeMessageKind.Command), _keys.Controller.Sign(_keys.Command("identify", NodeId)));
        var fromIndex = _recorder.Count;
        await _recorder.PublishAsync(Topics.ControllerState, WireCodec.Encode(new ControllerState { Online = true, Instance = "barrier", Ts = TestKeys.Now }));
        await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth, fromIndex);
        Assert.DoesNotContain(_recorder.Messages, m => m.IsFor(NodeId, NodeMessageKind.CommandAck) || m.IsFor(NodeId, NodeMessageKind.TimeRequest));
        Assert.Null((await NextHealthAsync()).RefusedCommands);
    }

    /// <summary>Writes a version 2 command state (no exp per outcome) holding one "done" outcome, "seeded-{i}", decided at each of <paramref name="decidedAt"/>.</summary>
    private void SeedOutcomes(IEnumerable<DateTimeOffset> decidedAt)
    {
        var outcomes = decidedAt.Select((ts, i) => $$"""{"id":"seeded-{{i}}","hash":"seeded","status":"done","ts":"{{ts:O}}"}""");
        File.WriteAllText(Path.Combine(_data, "commands.json"), $$"""{"v":2,"highWater":0,"floor":0,"recent":[],"outcomes":[{{string.Join(',', outcomes)}}]}""");
    }

    private List<string> StoredOutcomeIds()
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(_data, "commands.json")));
        return [.. document.RootElement.GetProperty("outcomes").EnumerateArray().Select(o => o.GetProperty("id").GetString()!)];
    }

    private async Task<NodeAgent> StartAgentAsync(bool trustSystemClock = true)
    {
        var agent = NodeComposer.Compose(Settings(trustSystemClock), NodeDrivers.Simulated(1), _time, _logger);
        _agents.Add(agent);
        var fromIndex = _recorder.Count;
        await agent.StartAsync(CancellationToken.None);
        await _recorder.WaitForAsync(NodeId, NodeMessageKind.Birth, fromIndex);
        return agent;
    }

    private NodeAgentSettings Settings(bool trustSystemClock) => new()
    {
        NodeId = NodeId,
        Zones = ["zone-1"],
        Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = _broker.Port }],
        Heartbeat = Heartbeat,
        ReconnectWindow = TimeSpan.Zero,
        ReconnectBackoffCap = TimeSpan.Zero,
        ConnectTimeout = TimeSpan.FromSeconds(5),
        RandomSeed = 1,
        DataDirectory = _data,
        RootPublicKey = _keys.Root.PublicKey(),
        TrustSynchronisedSystemClock = trustSystemClock,
    };

    /// <summary>Publishes a command envelope and waits for the node's ack naming its id.</summary>
    private async Task<CommandAck> SendAsync(byte[] payload, string? topic = null, int? fromIndex = null)
    {
        var start = fromIndex ?? _recorder.Count;
        using var signedPart = JsonDocument.Parse(Encoding.UTF8.GetString(payload).Split('\n')[0]);
        var id = signedPart.RootElement.GetProperty("id").GetString();
        await _recorder.PublishAsync(topic ?? Topics.ForNode(NodeId, NodeMessageKind.Command), payload);
        var ack = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.CommandAck) && m.Decode<CommandAck>().Id == id, start);
        return ack.Decode<CommandAck>();
    }

    private async Task<NodeEvent> WaitForEventAsync(Func<NodeEvent, bool> match) =>
        (await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.Event) && match(m.Decode<NodeEvent>()))).Decode<NodeEvent>();

    /// <summary>Distinct events (by id: an event is resent until acknowledged) seen so far.</summary>
    private List<NodeEvent> Events(Func<NodeEvent, bool> match) =>
        [.. _recorder.Messages.Where(m => m.IsFor(NodeId, NodeMessageKind.Event)).Select(m => m.Decode<NodeEvent>()).Where(match).DistinctBy(e => e.Id)];

    /// <summary>Advances one heartbeat and returns the health it brings (events raised before it are published before it).</summary>
    private async Task<NodeHealth> NextHealthAsync()
    {
        var fromIndex = _recorder.Count;
        _time.Advance(Heartbeat);
        return (await _recorder.WaitForAsync(NodeId, NodeMessageKind.Health, fromIndex)).Decode<NodeHealth>();
    }
}
