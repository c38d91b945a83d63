using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Identity;

/// <summary>
/// Identity rotation on the Controller (issue 10): a technician's "rotate key" is recorded and sent signed; the node's
/// "done", verified against its enrolled (old) key, names the new key, whose request is approved at once in place of the
/// old credentials; any other key waits for a technician, a rotation that does not complete in time fails, and a forged
/// "done" vouches for nothing.
/// </summary>
public sealed class IdentityRotationTests : IDisposable
{
    private static readonly TimeSpan RotationTimeout = TimeSpan.FromMinutes(30);
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public IdentityRotationTests()
    {
        _host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?>
        {
            ["Security:GenerateDemoKeys"] = "true",
            ["Enrolment:RotationTimeout"] = RotationTimeout.ToString(),
        });
    }

    private BrokerAccountDirectory Directory => _host.Services.GetRequiredService<BrokerAccountDirectory>();

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task The_key_the_old_key_vouches_for_is_approved_at_once_and_the_old_key_and_password_stop_working()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-1");
        var old = node.Credentials;
        using var fresh = NodeCredentials.Create(old.NodeId);
        var dropped = node.Dropped();

        var (commandId, started) = await RotateAsync(old.NodeId);
        Assert.Equal(("rotating", old.Fingerprint), (started.GetProperty("state").GetString(), started.GetProperty("oldFingerprint").GetString()));
        Assert.Equal(HttpStatusCode.Conflict, (await PostRotateAsync(old.NodeId)).StatusCode);

        Assert.Null((await AnswerAsync(node, old, commandId, fresh.Fingerprint)).RefusedReason);
        var status = await RequestAsync(fresh);

        Assert.Equal((EnrolmentState.Approved, fresh.Fingerprint), (status.State, status.Fingerprint));
        var account = Directory.Find(old.NodeId)!;
        Assert.True(BrokerPasswordHash.Verify(fresh.Password, account.PasswordHash));
        Assert.False(BrokerPasswordHash.Verify(old.Password, account.PasswordHash));
        await dropped.WaitAsync(ControllerHost.Timeout);
        await using (var refused = await BrokerClient.ConnectAsync(_host.MqttPort, old.Username, old.Password, old.NodeId))
        {
            Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, refused.ResultCode);
        }

        var identity = await IdentityAsync(old.NodeId);
        Assert.Equal(fresh.Fingerprint, identity.GetProperty("fingerprint").GetString());
        Assert.Equal(JsonValueKind.Null, identity.GetProperty("rotation").ValueKind);
        Assert.Equal(_host.Clock.GetUtcNow(), identity.GetProperty("rotatedAt").GetDateTimeOffset());
        Assert.Equal(["thon-1"], identity.GetProperty("zones").EnumerateArray().Select(zone => zone.GetString()));
        Assert.Empty((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        var rotated = Assert.Single((await _host.GetNodeAsync(old.NodeId)).GetProperty("events").EnumerateArray(),
            entry => entry.GetProperty("kind").GetString() == EnrolmentService.RotatedEventKind);
        Assert.Contains(old.Fingerprint + " → " + fresh.Fingerprint, rotated.GetProperty("text").GetString(), StringComparison.Ordinal);

        // The audit log has who asked (the test admin) and who completed it (the node, by its verified answer).
        var audit = _host.Services.GetRequiredService<AuditTrail>()
            .Find(new AuditFilter(_host.Clock.GetUtcNow().AddDays(-1), _host.Clock.GetUtcNow().AddDays(1), Action: "node.identity-rot")).ToList();
        Assert.Equal(
            [(AuditActions.IdentityRotated, AuditOutcome.Succeeded), (AuditActions.IdentityRotationRequested, AuditOutcome.Refused), (AuditActions.IdentityRotationRequested, AuditOutcome.Succeeded)],
            audit.Select(entry => (entry.Action, entry.Outcome)));
        Assert.Equal(("node:" + old.NodeId, "command " + commandId), (audit[0].Actor, audit[0].Detail?[..(8 + commandId.Length)]));
        Assert.StartsWith(ControllerHost.TestUser + " (token ", audit[2].Actor, StringComparison.Ordinal);

        Assert.Contains("Cụm loa đã chuyển sang khoá mới", await _host.Http.GetStringAsync(new Uri($"/nodes/{old.NodeId}", UriKind.Relative)), StringComparison.Ordinal);

        // From now on only the new key's signatures count.
        var enrolled = _host.Services.GetRequiredService<EnrolmentService>();
        Assert.True(enrolled.IsSignedBy(old.NodeId, SignedPayloadCodec.Split(fresh.Sign(Wire.Event("ev-new"))).Message!));
        Assert.False(enrolled.IsSignedBy(old.NodeId, SignedPayloadCodec.Split(old.Sign(Wire.Event("ev-old"))).Message!));
    }

    [Fact]
    public async Task A_new_key_that_arrives_before_the_answer_is_approved_when_the_answer_vouches_for_it()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-2");
        using var fresh = NodeCredentials.Create(node.NodeId);
        var (commandId, _) = await RotateAsync(node.NodeId);

        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(fresh)).State);
        Assert.Null((await AnswerAsync(node, node.Credentials, commandId, fresh.Fingerprint)).RefusedReason);

        Assert.True(BrokerPasswordHash.Verify(fresh.Password, Directory.Find(node.NodeId)!.PasswordHash));
        Assert.Equal(fresh.Fingerprint, (await IdentityAsync(node.NodeId)).GetProperty("fingerprint").GetString());
        Assert.Empty((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
    }

    [Fact]
    public async Task Another_key_while_a_rotation_is_expected_is_held_as_a_key_change_and_noted()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-3");
        using var fresh = NodeCredentials.Create(node.NodeId);
        using var claimant = NodeCredentials.Create(node.NodeId);
        var (commandId, _) = await RotateAsync(node.NodeId);
        await AnswerAsync(node, node.Credentials, commandId, fresh.Fingerprint);

        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(claimant)).State);

        Assert.True(BrokerPasswordHash.Verify(node.Credentials.Password, Directory.Find(node.NodeId)!.PasswordHash));
        var pending = Assert.Single((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        Assert.Equal(("key-changed", claimant.Fingerprint), (pending.GetProperty("reason").GetString(), pending.GetProperty("fingerprint").GetString()));
        Assert.Contains("a rotation expects key " + fresh.Fingerprint, pending.GetProperty("note").GetString(), StringComparison.Ordinal);
        var rotation = (await IdentityAsync(node.NodeId)).GetProperty("rotation");
        Assert.Equal(("rotating", fresh.Fingerprint), (rotation.GetProperty("state").GetString(), rotation.GetProperty("expectedFingerprint").GetString()));

        // The key the old one vouched for still completes the rotation.
        Assert.Equal(EnrolmentState.Approved, (await RequestAsync(fresh)).State);
    }

    [Fact]
    public async Task A_rotation_not_completed_in_time_is_failed_and_the_old_identity_stays_valid()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-4");
        using var fresh = NodeCredentials.Create(node.NodeId);
        var (commandId, _) = await RotateAsync(node.NodeId);
        await AnswerAsync(node, node.Credentials, commandId, fresh.Fingerprint);

        _host.Clock.Advance(RotationTimeout);

        var identity = await IdentityAsync(node.NodeId);
        Assert.Equal(("failed", node.Credentials.Fingerprint), (identity.GetProperty("rotation").GetProperty("state").GetString(), identity.GetProperty("fingerprint").GetString()));
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(fresh)).State);
        Assert.True(BrokerPasswordHash.Verify(node.Credentials.Password, Directory.Find(node.NodeId)!.PasswordHash));
        Assert.Equal("key-changed", Assert.Single((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray()).GetProperty("reason").GetString());

        // A failed rotation may be asked again.
        Assert.Equal(HttpStatusCode.Accepted, (await PostRotateAsync(node.NodeId)).StatusCode);
    }

    [Fact]
    public async Task A_forged_done_vouches_for_nothing()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-5");
        using var impostor = NodeCredentials.Create(node.NodeId);
        var (commandId, _) = await RotateAsync(node.NodeId);

        var forged = await AnswerAsync(node, impostor, commandId, impostor.Fingerprint);

        Assert.Equal(IngestRefusals.ForgedAck, forged.RefusedReason);
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(impostor)).State);
        Assert.True(BrokerPasswordHash.Verify(node.Credentials.Password, Directory.Find(node.NodeId)!.PasswordHash));
        var identity = await IdentityAsync(node.NodeId);
        Assert.Equal(node.Credentials.Fingerprint, identity.GetProperty("fingerprint").GetString());
        Assert.Equal(JsonValueKind.Null, identity.GetProperty("rotation").GetProperty("expectedFingerprint").ValueKind);
    }

    [Fact]
    public async Task A_technician_choosing_another_key_or_revoking_ends_the_rotation()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-7");
        using var fresh = NodeCredentials.Create(node.NodeId);
        using var chosen = NodeCredentials.Create(node.NodeId);
        var (commandId, _) = await RotateAsync(node.NodeId);
        await AnswerAsync(node, node.Credentials, commandId, fresh.Fingerprint);
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(chosen)).State);

        using var approved = await _host.Http.PostAsync(new Uri($"/api/enrolment/requests/{node.NodeId}/approve", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);

        var enrolment = _host.Services.GetRequiredService<EnrolmentService>();
        Assert.Null(enrolment.FindRotation(node.NodeId));
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(fresh)).State);
        Assert.Equal(chosen.Fingerprint, enrolment.FindIdentity(node.NodeId)!.Fingerprint);

        await using var second = await _host.BornNodeAsync("thon-3-loa-8");
        await RotateAsync(second.NodeId);
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri($"/api/identities/{second.NodeId}/revoke", UriKind.Relative), null)).StatusCode);
        Assert.Null(enrolment.FindRotation(second.NodeId));
    }

    [Fact]
    public async Task Rotating_an_unknown_or_revoked_node_is_refused_and_sends_nothing()
    {
        await using var node = await _host.BornNodeAsync("thon-3-loa-6");
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri($"/api/identities/{node.NodeId}/revoke", UriKind.Relative), null)).StatusCode);

        Assert.Equal(HttpStatusCode.Conflict, (await PostRotateAsync(node.NodeId)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await PostRotateAsync("nobody-here")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostRotateAsync("Not-An-Id")).StatusCode);
        Assert.Null(_host.Services.GetRequiredService<EnrolmentService>().FindRotation(node.NodeId));
    }

    [Fact]
    public void A_rotation_timeout_outside_one_minute_to_seven_days_is_refused_at_start()
    {
        var result = new EnrolmentOptionsValidator().Validate(null, new EnrolmentOptions { RotationTimeout = TimeSpan.FromSeconds(30) });

        Assert.StartsWith("Invalid setting Enrolment:RotationTimeout = 00:00:30", Assert.Single(result.Failures!), StringComparison.Ordinal);
        Assert.Equal(TimeSpan.FromHours(1), new EnrolmentOptions().RotationTimeout);
    }

    /// <summary>Asks for a rotation on the API: the command id and the rotation as the answer shows it.</summary>
    private async Task<(string CommandId, JsonElement Rotation)> RotateAsync(string nodeId)
    {
        using var response = await PostRotateAsync(nodeId);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rotation = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("rotation");
        var commandId = rotation.GetProperty("commandId").GetString()!;
        Assert.Equal($"/api/commands/{commandId}", response.Headers.Location?.OriginalString);
        return (commandId, rotation);
    }

    private Task<HttpResponseMessage> PostRotateAsync(string nodeId) =>
        _host.Http.PostAsync(new Uri($"/api/identities/{nodeId}/rotate", UriKind.Relative), null);

    /// <summary>The node's "done" to the rotation, naming <paramref name="newFingerprint"/>, signed by <paramref name="signer"/>; waits until ingested.</summary>
    private async Task<IngestResult> AnswerAsync(TestNode node, NodeCredentials signer, string commandId, string newFingerprint)
    {
        var done = new CommandAck
        {
            Id = commandId,
            NodeId = node.NodeId,
            Status = CommandAckStatus.Done,
            Result = CommandCatalog.WriteBody(new RotatedIdentity { Fingerprint = newFingerprint }),
            Ts = Wire.NodeClock,
        };
        var topic = Topics.ForNode(node.NodeId, NodeMessageKind.CommandAck);
        var handled = _host.WaitForIngest(result => result.Topic == topic);
        await node.PublishRawAsync(topic, signer.Sign(done));
        return await handled;
    }

    private async Task<EnrolmentStatus> RequestAsync(NodeCredentials credentials) =>
        await NodeEnrolment.RequestAsync("127.0.0.1", _host.MqttPort, credentials, ["thon-1"], token: null, ControllerHost.Timeout);

    private async Task<JsonElement> IdentityAsync(string nodeId) => await _host.Http.GetFromJsonAsync<JsonElement>($"/api/identities/{nodeId}");

}
