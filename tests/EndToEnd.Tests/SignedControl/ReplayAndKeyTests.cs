using System.Security.Cryptography;
using System.Text.Json;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// Signed control against real processes and a real broker: replays (at once, across a node reboot and a Controller
/// SIGKILL), a resend after a lost acknowledgement, a node without time, a forged clock reply, key rotation and
/// revocation with the fleet running. The same bytes again are always a replay; the Controller's resend is the same
/// command id signed anew, which the node answers as before without acting twice.
/// </summary>
[Trait("Category", "Security")]
public sealed class ReplayAndKeyTests
{
    [Fact]
    public async Task A_captured_envelope_published_again_at_once_is_refused_as_replayed_and_reported_and_the_command_stays_done()
    {
        await using var world = await SecuredWorld.StartAsync();
        const string node = "loa-phat-lai-ngay";
        var agent = await world.StartNodeAsync(node);
        await using var probe = await world.EavesdropAsync(SecuredWorld.CommandTopic(node), SecuredWorld.AckTopic(node));
        var (id, _) = await world.IssueAsync(node, "emergency-test", new { note = "drill" });
        var captured = (await probe.WaitForTopicAsync(SecuredWorld.CommandTopic(node), SecuredWorld.Timeout)).Payload;
        Assert.Equal(("done", null), await SecuredWorld.AckAsync(probe, node, id));

        await probe.PublishAsync(SecuredWorld.CommandTopic(node), captured);
        Assert.Equal(("refused", RefusalReasons.Replayed), await SecuredWorld.AckAsync(probe, node, id, occurrence: 2));

        var refusal = await world.RefusalEventAsync(node, RefusalReasons.Replayed);
        Assert.Contains(id, refusal.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, agent.RefusedCommands);
        Assert.Equal(("done", null), SecuredWorld.Outcome(await world.AnsweredAsync(id)));
    }

    [Fact]
    public async Task When_the_first_ack_is_lost_the_controller_resends_signed_anew_and_the_node_answers_as_before_without_acting_twice()
    {
        await using var world = await SecuredWorld.StartAsync("--Security:ResendInterval=00:00:01");
        const string node = "loa-mat-xac-nhan";
        await using var proxy = new LoopbackTcpProxy(world.Mosquitto.Port);
        var agent = await world.StartNodeAsync(node, brokerPort: proxy.Port);
        var connection = await proxy.WaitForConnectionAsync(node, SecuredWorld.Timeout);
        var eventTopic = Topics.ForNode(node, NodeMessageKind.Event);
        var healthTopic = Topics.ForNode(node, NodeMessageKind.Health);
        await using var probe = await world.EavesdropAsync(SecuredWorld.CommandTopic(node), SecuredWorld.AckTopic(node), eventTopic, healthTopic);

        // Whatever the node sends now waits in the proxy, its ack included; once the Controller has resent for want of
        // an answer, the cut throws all of it away.
        connection.UpstreamProfile = new LinkProfile { Delay = TimeSpan.FromHours(1) };
        var (id, seq) = await world.IssueAsync(node, "emergency-test", new { note = "drill" });
        var sent = 0;
        await probe.WaitForAsync(m => m.Topic == SecuredWorld.CommandTopic(node) && ++sent >= 2, SecuredWorld.Timeout);
        connection.Cut();

        Assert.Equal(("done", null), SecuredWorld.Outcome(await world.AnsweredAsync(id)));
        var envelopes = probe.Received
            .Where(m => m.Topic == SecuredWorld.CommandTopic(node))
            .Select(m => CommandEnvelopeCodec.Parse(m.Payload).Message!.Command)
            .ToList();
        Assert.True(envelopes.Count >= 2, $"{envelopes.Count} envelope(s)");
        Assert.All(envelopes, command => Assert.Equal(id, command.Id));
        Assert.Equal(envelopes.Count, envelopes.Select(command => command.Seq).Distinct().Count());
        Assert.Equal(seq, envelopes[0].Seq);
        Assert.Equal(("done", null), await SecuredWorld.AckAsync(probe, node, id));
        Assert.Equal(0, agent.RefusedCommands);

        // One action: a node publishes what it raised before its next health report, so one report after the answer
        // is late enough to see a second "emergency.test" if there were one.
        var answeredAt = probe.Received.Count;
        await probe.WaitForAsync(m => m.Topic == healthTopic && probe.Received.Skip(answeredAt).Contains(m), SecuredWorld.Timeout);
        var tests = probe.Received
            .Where(m => m.Topic == eventTopic)
            .Select(m => JsonDocument.Parse(SecuredWorld.SignedPart(m.Payload)).RootElement)
            .Where(e => e.GetProperty("kind").GetString() == "emergency.test")
            .Select(e => e.GetProperty("id").GetString())
            .Distinct();
        Assert.Single(tests);
    }

    [Fact]
    public async Task A_captured_envelope_is_refused_as_replayed_after_the_node_reboots_on_the_same_data_folder()
    {
        await using var world = await SecuredWorld.StartAsync();
        const string node = "loa-khoi-dong-lai";
        var agent = await world.StartNodeAsync(node);
        await using var probe = await world.EavesdropAsync(SecuredWorld.CommandTopic(node), SecuredWorld.AckTopic(node));
        var (id, _) = await world.IssueAsync(node, "identify");
        var captured = (await probe.WaitForTopicAsync(SecuredWorld.CommandTopic(node), SecuredWorld.Timeout)).Payload;
        Assert.Equal(("done", null), SecuredWorld.Outcome(await world.AnsweredAsync(id)));

        await world.PowerCutAsync(agent);
        await world.StartNodeAsync(node);
        await probe.PublishAsync(SecuredWorld.CommandTopic(node), captured);
        Assert.Equal(("refused", RefusalReasons.Replayed), await SecuredWorld.AckAsync(probe, node, id, occurrence: 2));
    }

    [Fact]
    public async Task After_a_controller_SIGKILL_a_captured_envelope_is_still_refused_and_new_commands_are_obeyed()
    {
        await using var world = await SecuredWorld.StartAsync();
        const string node = "loa-sau-sigkill";
        await world.StartNodeAsync(node);
        await using var probe = await world.EavesdropAsync(SecuredWorld.CommandTopic(node), SecuredWorld.AckTopic(node));
        var (id, seq) = await world.IssueAsync(node, "identify");
        var captured = (await probe.WaitForTopicAsync(SecuredWorld.CommandTopic(node), SecuredWorld.Timeout)).Payload;
        Assert.Equal("done", SecuredWorld.Outcome(await world.AnsweredAsync(id)).Status);

        await world.KillControllerAsync();
        await world.StartControllerAsync();
        await probe.PublishAsync(SecuredWorld.CommandTopic(node), captured);
        Assert.Equal(("refused", RefusalReasons.Replayed), await SecuredWorld.AckAsync(probe, node, id, occurrence: 2));

        // The restarted Controller numbers above everything it handed out before the kill, so the node obeys it.
        var (fresh, freshSeq) = await world.IssueAsync(node, "identify");
        Assert.True(freshSeq > seq, $"{freshSeq} is not above {seq}");
        Assert.Equal(("done", null), SecuredWorld.Outcome(await world.AnsweredAsync(fresh)));
    }

    [Fact]
    public async Task A_node_without_time_obeys_a_genuine_emergency_test_refuses_its_replay_and_refuses_identify_as_clock_untrusted()
    {
        await using var world = await SecuredWorld.StartAsync();
        const string node = "loa-khong-gio";

        // Clock-sync replies are QoS 0: the proxy drops every QoS 0 publish towards the node, so none ever arrives.
        await using var proxy = new LoopbackTcpProxy(world.Mosquitto.Port) { DownstreamProfile = new LinkProfile { DropQos0Probability = 1 } };
        await world.StartNodeAsync(node, trustSystemClock: false, brokerPort: proxy.Port);
        await using var probe = await world.EavesdropAsync(SecuredWorld.CommandTopic(node), SecuredWorld.AckTopic(node));

        var (emergency, _) = await world.IssueAsync(node, "emergency-test", new { note = "drill" });
        var captured = (await probe.WaitForAsync(m => m.Topic == SecuredWorld.CommandTopic(node), SecuredWorld.Timeout)).Payload;
        Assert.Equal(("done", null), SecuredWorld.Outcome(await world.AnsweredAsync(emergency)));
        var (identify, _) = await world.IssueAsync(node, "identify");
        Assert.Equal(("refused", RefusalReasons.ClockUntrusted), SecuredWorld.Outcome(await world.AnsweredAsync(identify)));

        await probe.PublishAsync(SecuredWorld.CommandTopic(node), captured);
        Assert.Equal(("refused", RefusalReasons.Replayed), await SecuredWorld.AckAsync(probe, node, emergency, occurrence: 2));
    }

    [Fact]
    public async Task A_forged_clock_sync_reply_does_not_move_the_nodes_clock()
    {
        await using var world = await SecuredWorld.StartAsync();
        const string node = "loa-dong-ho";
        await using var probe = await world.EavesdropAsync(
            Topics.ForNode(node, NodeMessageKind.TimeRequest), Topics.ForNode(node, NodeMessageKind.Health));
        await world.StartNodeAsync(node, trustSystemClock: false);
        var synced = await probe.WaitForAsync(m => m.Topic.EndsWith("/health", StringComparison.Ordinal) && ClockOf(m.Payload).Source == "controller", SecuredWorld.Timeout);
        var before = ClockOf(synced.Payload).OffsetMs;
        Assert.InRange(before, -1000, 1000);

        // The attacker reads the node's latest request (nonce included) and answers it, one hour ahead, with its own key.
        var request = JsonDocument.Parse(probe.Received.Last(m => m.Topic.EndsWith("/time-req", StringComparison.Ordinal)).Payload).RootElement;
        using var stranger = EcdsaP256.CreateKey();
        var forged = new PayloadSigner(stranger, "controller-demo").Sign(new ClockSyncReply
        {
            Kid = "controller-demo",
            NodeId = node,
            Nonce = request.GetProperty("nonce").GetString()!,
            T1 = request.GetProperty("t1").GetDateTimeOffset(),
            T2 = DateTimeOffset.UtcNow.AddHours(1),
            T3 = DateTimeOffset.UtcNow.AddHours(1),
        });
        var from = probe.Received.Count;
        await probe.PublishAsync(Topics.ForNode(node, NodeMessageKind.TimeReply), forged, qos: MQTTnet.Protocol.MqttQualityOfServiceLevel.AtMostOnce);

        // Three reports later the offset is still the Controller's, not an hour.
        var seen = 0;
        await probe.WaitForAsync(m => m.Topic.EndsWith("/health", StringComparison.Ordinal) && probe.Received.Skip(from).Contains(m) && ++seen >= 3, SecuredWorld.Timeout);
        foreach (var report in probe.Received.Skip(from).Where(m => m.Topic.EndsWith("/health", StringComparison.Ordinal)))
        {
            var clock = ClockOf(report.Payload);
            Assert.Equal("controller", clock.Source);
            Assert.InRange(clock.OffsetMs, -1000, 1000);
        }
    }

    [Fact]
    public async Task Keys_rotate_with_the_fleet_running_and_a_revoked_key_is_refused()
    {
        await using var world = await SecuredWorld.StartAsync();
        const string node = "loa-xoay-khoa";
        await world.StartNodeAsync(node);
        var (first, _) = await world.IssueAsync(node, "identify");
        Assert.Equal("controller-demo", (await world.AnsweredAsync(first)).GetProperty("kid").GetString());

        // Rotation: a new key certified by the root, then the Controller restarted with both (the overlap).
        var keys = Path.Combine(world.Data, "keys");
        var rotated = Path.Combine(world.Data, "keys-rotated");
        await SecuredWorld.RunControllerVerbAsync("keys", "issue", "--root", world.DemoRootKeyFile, "--kid", "controller-rotated", "--days", "30", "--out", rotated);
        await world.StopControllerAsync();
        await world.StartControllerAsync(
            $"--Security:RootPublicKeyFile={world.RootPublicKeyFile}",
            $"--Security:SigningKeys:0:KeyFile={Path.Combine(keys, "signing.key")}",
            $"--Security:SigningKeys:0:CertificateFile={Path.Combine(keys, "signing.cert")}",
            $"--Security:SigningKeys:1:KeyFile={Path.Combine(rotated, "signing.key")}",
            $"--Security:SigningKeys:1:CertificateFile={Path.Combine(rotated, "signing.cert")}");
        var (second, _) = await world.IssueAsync(node, "identify");
        var afterRotation = await world.AnsweredAsync(second);
        Assert.Equal("controller-rotated", afterRotation.GetProperty("kid").GetString());
        Assert.Equal(("done", null), SecuredWorld.Outcome(afterRotation));

        // Revocation of the old key: the list is published retained; then a NEW command signed with the old key is refused.
        var revocations = Path.Combine(world.Data, "revocations.signed");
        await SecuredWorld.RunControllerVerbAsync("keys", "revoke", "--root", world.DemoRootKeyFile, "--kid", "controller-demo", "--serial", "1", "--out", revocations);
        await world.StopControllerAsync();
        await world.StartControllerAsync(
            $"--Security:RootPublicKeyFile={world.RootPublicKeyFile}",
            $"--Security:SigningKeys:0:KeyFile={Path.Combine(rotated, "signing.key")}",
            $"--Security:SigningKeys:0:CertificateFile={Path.Combine(rotated, "signing.cert")}",
            $"--Security:RevocationListFile={revocations}");
        var (third, thirdSeq) = await world.IssueAsync(node, "identify");
        Assert.Equal(("done", null), SecuredWorld.Outcome(await world.AnsweredAsync(third)));

        await using var attacker = await world.EavesdropAsync(SecuredWorld.AckTopic(node));
        using var oldKey = ECDsa.Create();
        oldKey.ImportFromPem(await File.ReadAllTextAsync(Path.Combine(keys, "signing.key")));
        var now = DateTimeOffset.UtcNow;
        var stolen = new PayloadSigner(oldKey, "controller-demo").Sign(new SignedCommand
        {
            Id = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)),
            Kid = "controller-demo",
            Target = new CommandTarget { Node = node },
            Ts = now,
            Exp = now.AddMinutes(5),
            Seq = thirdSeq + 1_000_000_000,
            Type = "identify",
        });
        await attacker.PublishAsync(SecuredWorld.CommandTopic(node), stolen);
        Assert.Equal(("refused", RefusalReasons.RevokedKey), await SecuredWorld.AckAsync(attacker, node, CommandIdOf(stolen)));
    }

    private static string CommandIdOf(byte[] envelope)
    {
        using var signed = JsonDocument.Parse(envelope.AsMemory(0, Array.IndexOf(envelope, (byte)'\n')));
        return signed.RootElement.GetProperty("id").GetString()!;
    }

    private static (string? Source, double OffsetMs) ClockOf(byte[] health)
    {
        using var document = JsonDocument.Parse(health);
        var clock = document.RootElement.GetProperty("clock");
        return (clock.TryGetProperty("source", out var source) ? source.GetString() : null,
            clock.TryGetProperty("offsetMs", out var offset) ? offset.GetDouble() : double.NaN);
    }
}
