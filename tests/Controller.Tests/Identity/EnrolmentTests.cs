using System.Buffers;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Identity;

/// <summary>
/// Enrolment on the Controller (docs/protocol.md, "Enrolment"): genuine signed requests on the enrolment account, held
/// for a technician or approved by a token, and what reaches the broker's account directory.
/// </summary>
public sealed class EnrolmentTests : IDisposable
{
    private static readonly TimeSpan NoAnswer = TimeSpan.FromSeconds(2);
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public EnrolmentTests()
    {
        _host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Enrolment:MaxPendingRequests"] = "3" });
    }

    private BrokerAccountDirectory Directory => _host.Services.GetRequiredService<BrokerAccountDirectory>();

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_request_without_a_token_waits_until_a_technician_approves_it_with_chosen_zones()
    {
        using var node = NodeCredentials.Create("thon-3-loa-1");
        // A technician's view of the status topic: the observer account reads all of sl/v1/ (the broker refuses anonymous clients).
        await using var watcher = await MqttProbe.ConnectAsAsync(
            _host.MqttPort, BuiltInBrokerAccounts.ObserverUsername, _host.ObserverPassword(), "status-watcher", Topics.ForEnrolmentStatus(node.NodeId));

        var first = await RequestAsync(node, token: null);
        Assert.Equal(EnrolmentState.Pending, first.State);
        Assert.Null(Directory.Find(node.NodeId));
        var pending = Assert.Single((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        Assert.Equal((node.NodeId, "new", node.Fingerprint, "serial-" + node.NodeId),
            (pending.GetProperty("nodeId").GetString(), pending.GetProperty("reason").GetString(), pending.GetProperty("fingerprint").GetString(),
             pending.GetProperty("hardware").GetProperty("serial").GetString()));

        var approvedStatus = watcher.WaitForAsync(message => message.Payload.AsSpan().IndexOf("\"approved\""u8) >= 0, ControllerHost.Timeout);
        var approve = await _host.Http.PostAsJsonAsync($"/api/enrolment/requests/{node.NodeId}/approve", new { zones = Zones("thon-3", "xa-dong-lam") });
        Assert.Equal(HttpStatusCode.OK, approve.StatusCode);

        var account = Directory.Find(node.NodeId);
        Assert.NotNull(account);
        Assert.Equal((BrokerAccountKind.Node, node.PasswordHash), (account.Kind, account.PasswordHash));
        Assert.Equal(["thon-3", "xa-dong-lam"], account.Zones);
        Assert.True(BrokerPasswordHash.Verify(node.Password, account.PasswordHash));
        var status = WireCodec.Decode<EnrolmentStatus>((await approvedStatus).Payload).Message!;
        Assert.Equal((EnrolmentState.Approved, node.Fingerprint), (status.State, status.Fingerprint));
        Assert.False((await watcher.WaitForTopicAsync(Topics.ForEnrolmentStatus(node.NodeId), ControllerHost.Timeout)).Retained);
        Assert.Empty((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        var identity = await _host.Http.GetFromJsonAsync<JsonElement>($"/api/identities/{node.NodeId}");
        Assert.Equal(("enrolled", "approval", node.Fingerprint),
            (identity.GetProperty("status").GetString(), identity.GetProperty("via").GetString(), identity.GetProperty("fingerprint").GetString()));
        Assert.Equal(["thon-1"], identity.GetProperty("declaredZones").EnumerateArray().Select(zone => zone.GetString()));
    }

    [Fact]
    public async Task Approval_with_bad_zones_or_for_no_request_is_refused_with_a_problem()
    {
        using var node = NodeCredentials.Create("thon-3-loa-2");
        await RequestAsync(node, token: null);

        var badZones = await _host.Http.PostAsJsonAsync($"/api/enrolment/requests/{node.NodeId}/approve", new { zones = Zones("Not A Zone") });
        Assert.Equal(HttpStatusCode.BadRequest, badZones.StatusCode);
        Assert.Equal("Invalid zones", (await badZones.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
        var unknown = await _host.Http.PostAsJsonAsync("/api/enrolment/requests/nobody-asked/approve", new { zones = Zones("thon-1") });
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Null(Directory.Find(node.NodeId));
    }

    [Fact]
    public async Task A_valid_token_approves_at_once_with_its_zones_and_counts_the_use()
    {
        using var node = NodeCredentials.Create("thon-4-loa-1");
        var status = await RequestAsync(node, ControllerHost.Token.Token);

        Assert.Equal((EnrolmentState.Approved, node.Fingerprint), (status.State, status.Fingerprint));
        Assert.Equal(ControllerHost.Token.Zones, Directory.Find(node.NodeId)!.Zones);
        var token = (await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/tokens")).EnumerateArray()
            .Single(listed => listed.GetProperty("id").GetString() == ControllerHost.Token.Id);
        Assert.Equal(1, token.GetProperty("uses").GetInt32());
        Assert.False(token.TryGetProperty("secret", out _));
        Assert.DoesNotContain(ControllerHost.Token.Token[(ControllerHost.Token.Id.Length + 1)..], await _host.Http.GetStringAsync("/api/enrolment/tokens"), StringComparison.Ordinal);
        Assert.Equal("token:" + ControllerHost.Token.Id, (await _host.Http.GetFromJsonAsync<JsonElement>($"/api/identities/{node.NodeId}")).GetProperty("via").GetString());
    }

    [Fact]
    public async Task A_technicians_token_is_shown_once_and_stops_approving_when_expired()
    {
        var created = await _host.Http.PostAsJsonAsync(
            "/api/enrolment/tokens", new { zones = Zones("xom-dong"), expires = _host.Clock.GetUtcNow().AddHours(1), maxUses = 5 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var token = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetString()!;

        using var early = NodeCredentials.Create("xom-dong-1");
        Assert.Equal(EnrolmentState.Approved, (await RequestAsync(early, token)).State);
        Assert.Equal(["xom-dong"], Directory.Find(early.NodeId)!.Zones);

        _host.Clock.Advance(TimeSpan.FromHours(2));
        using var late = NodeCredentials.Create("xom-dong-2");
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(late, token)).State);
        Assert.Null(Directory.Find(late.NodeId));
        var pending = Assert.Single((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        Assert.Contains("expired", pending.GetProperty("note").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_revoked_token_approves_nobody()
    {
        var created = await _host.Http.PostAsJsonAsync(
            "/api/enrolment/tokens", new { zones = Zones("thon-9"), expires = _host.Clock.GetUtcNow().AddDays(1), maxUses = 5 });
        var answer = await created.Content.ReadFromJsonAsync<JsonElement>();
        var token = answer.GetProperty("details").GetProperty("id").GetString();
        var written = answer.GetProperty("token").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri($"/api/enrolment/tokens/{token}/revoke", UriKind.Relative), null)).StatusCode);

        using var node = NodeCredentials.Create("thon-9-loa-1");
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(node, written)).State);
        Assert.Null(Directory.Find(node.NodeId));
    }

    [Fact]
    public async Task A_request_with_another_key_for_an_enrolled_id_is_held_as_a_key_change_even_with_a_token()
    {
        using var genuine = NodeCredentials.Create("thon-5-loa-1");
        await RequestAsync(genuine, ControllerHost.Token.Token);
        using var claimant = NodeCredentials.Create("thon-5-loa-1");

        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(claimant, ControllerHost.Token.Token)).State);

        Assert.Equal(genuine.PasswordHash, Directory.Find(genuine.NodeId)!.PasswordHash);
        var pending = Assert.Single((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        Assert.Equal(("key-changed", claimant.Fingerprint, genuine.Fingerprint),
            (pending.GetProperty("reason").GetString(), pending.GetProperty("fingerprint").GetString(), pending.GetProperty("enrolledFingerprint").GetString()));
    }

    [Fact]
    public async Task A_revoked_node_loses_its_account_and_is_never_approved_again_by_a_token()
    {
        using var node = NodeCredentials.Create("thon-6-loa-1");
        await RequestAsync(node, ControllerHost.Token.Token);
        var removed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        Directory.Changed += username => removed.TrySetResult(username);

        Assert.Equal(HttpStatusCode.OK, (await _host.Http.PostAsync(new Uri($"/api/identities/{node.NodeId}/revoke", UriKind.Relative), null)).StatusCode);

        Assert.Equal(node.NodeId, await removed.Task.WaitAsync(ControllerHost.Timeout));
        Assert.Null(Directory.Find(node.NodeId));
        Assert.False(_host.Services.GetRequiredService<EnrolmentService>().IsEnrolled(node.NodeId));
        Assert.Equal(EnrolmentState.Refused, (await RequestAsync(node, ControllerHost.Token.Token)).State);
        Assert.Null(Directory.Find(node.NodeId));
        var pending = Assert.Single((await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray());
        Assert.Equal("revoked", pending.GetProperty("reason").GetString());
        Assert.Equal("revoked", (await _host.Http.GetFromJsonAsync<JsonElement>($"/api/identities/{node.NodeId}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task Editing_zones_replaces_the_account_and_retiring_removes_identity_account_and_fleet_entry()
    {
        await using var live = await _host.BornNodeAsync("thon-7-loa-1");
        var droppedForZones = live.Dropped();
        var zones = await _host.Http.PutAsJsonAsync("/api/identities/thon-7-loa-1/zones", new { zones = Zones("thon-7") });
        Assert.Equal(HttpStatusCode.OK, zones.StatusCode);
        Assert.Equal(["thon-7"], Directory.Find("thon-7-loa-1")!.Zones);
        var view = await zones.Content.ReadFromJsonAsync<JsonElement>();
        Assert.True(view.GetProperty("zoneMismatch").GetBoolean());
        Assert.True((await _host.GetNodeAsync("thon-7-loa-1")).GetProperty("zoneMismatch").GetBoolean());

        // The replaced account's connection is dropped so the node resubscribes under its new list; its own credentials still work.
        await droppedForZones.WaitAsync(ControllerHost.Timeout);
        await using var again = await TestNode.ConnectAsync(_host.MqttPort, live.Credentials, bdSeq: 2);
        var droppedForRetirement = again.Dropped();

        Assert.Equal(HttpStatusCode.NoContent, (await _host.Http.DeleteAsync(new Uri("/api/identities/thon-7-loa-1", UriKind.Relative))).StatusCode);

        Assert.Null(Directory.Find("thon-7-loa-1"));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri("/api/nodes/thon-7-loa-1", UriKind.Relative))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri("/api/identities/thon-7-loa-1", UriKind.Relative))).StatusCode);
        await droppedForRetirement.WaitAsync(ControllerHost.Timeout);
        await using var retired = await BrokerClient.ConnectAsync(_host.MqttPort, live.Credentials.Username, live.Credentials.Password, live.NodeId);
        Assert.Equal(MqttClientConnectResultCode.BadUserNameOrPassword, retired.ResultCode);

        // What an external broker could still deliver from the retired id is not heard.
        var health = await _host.Services.GetRequiredService<IngestPipeline>().HandleAsync(
            Topics.ForNode("thon-7-loa-1", NodeMessageKind.Health), new ReadOnlySequence<byte>(WireCodec.Encode(Wire.Health())), retained: false, CancellationToken.None);
        Assert.Equal(IngestRefusals.NotEnrolled, health.RefusedReason);
    }

    [Fact]
    public async Task Pending_requests_are_capped_and_the_same_node_replaces_its_own()
    {
        var nodes = Enumerable.Range(1, 3).Select(index => NodeCredentials.Create($"cap-{index}")).ToList();
        foreach (var node in nodes)
        {
            Assert.Equal(EnrolmentState.Pending, (await RequestAsync(node, token: null)).State);
        }

        using var again = NodeCredentials.Create("cap-1");
        Assert.Equal(EnrolmentState.Pending, (await RequestAsync(again, token: null)).State);
        using var beyond = NodeCredentials.Create("cap-4");
        var refused = _host.WaitForIngest(result => result.NodeId == beyond.NodeId);
        Assert.Null(await NodeEnrolment.RequestRawAsync(
            "127.0.0.1", _host.MqttPort, beyond, Topics.ForEnrolmentRequest(beyond.NodeId), beyond.Sign(beyond.Request(["thon-1"])), NoAnswer));

        Assert.Equal(IngestRefusals.EnrolmentPendingFull, (await refused).RefusedReason);
        Assert.Equal(1, await _host.MetricAsync("sl_ingest_refused_total{reason=\"enrol-pending-full\"}"));
        var pending = (await _host.Http.GetFromJsonAsync<JsonElement>("/api/enrolment/requests")).EnumerateArray().ToList();
        Assert.Equal(["cap-1", "cap-2", "cap-3"], pending.Select(request => request.GetProperty("nodeId").GetString()).Order());
        Assert.Equal(again.Fingerprint, pending.Single(request => request.GetProperty("nodeId").GetString() == "cap-1").GetProperty("fingerprint").GetString());
        nodes.ForEach(node => node.Dispose());
    }

    [Fact]
    public async Task Requests_beyond_the_rate_are_refused_before_they_are_verified()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path, settings: new Dictionary<string, string?> { ["Enrolment:MaxRequestsPerMinute"] = "1" });
        var pipeline = host.Services.GetRequiredService<IngestPipeline>();
        using var first = NodeCredentials.Create("rate-1");
        using var second = NodeCredentials.Create("rate-2");

        async Task<IngestResult> Send(NodeCredentials node) => await pipeline.HandleAsync(
            Topics.ForEnrolmentRequest(node.NodeId), new ReadOnlySequence<byte>(node.Sign(node.Request(["thon-1"]))), retained: false, CancellationToken.None);

        Assert.True((await Send(first)).Accepted);
        Assert.Equal(IngestRefusals.EnrolmentRate, (await Send(second)).RefusedReason);
        host.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.True((await Send(second)).Accepted);
        Assert.Equal(1, await host.MetricAsync("sl_ingest_refused_total{reason=\"enrol-rate\"}"));
    }

    [Fact]
    public async Task A_request_not_signed_by_the_key_it_carries_is_refused_and_kept_nowhere()
    {
        using var node = NodeCredentials.Create("forger-1");
        using var other = NodeCredentials.Create("forger-1");
        var bytes = WireCodec.Encode(node.Request(["thon-1"], ControllerHost.Token.Token));
        var forged = SignedPayloadCodec.Format(bytes, EcdsaP256.Sign(other.Key, bytes));
        var refused = _host.WaitForIngest(result => result.NodeId == node.NodeId);

        Assert.Null(await NodeEnrolment.RequestRawAsync("127.0.0.1", _host.MqttPort, node, Topics.ForEnrolmentRequest(node.NodeId), forged, NoAnswer));

        Assert.Equal(IngestRefusals.BadSignature, (await refused).RefusedReason);
        await AssertNothingEnrolledAsync(node.NodeId);
    }

    [Fact]
    public async Task A_request_on_another_nodes_topic_retained_or_unsigned_is_refused()
    {
        // What an external broker could deliver: the embedded broker already stops a client id on another id's topic.
        using var node = NodeCredentials.Create("forger-2");
        var pipeline = _host.Services.GetRequiredService<IngestPipeline>();
        var signed = node.Sign(node.Request(["thon-1"], ControllerHost.Token.Token));

        var mismatch = await pipeline.HandleAsync(Topics.ForEnrolmentRequest("someone-else"), new ReadOnlySequence<byte>(signed), retained: false, CancellationToken.None);
        var retained = await pipeline.HandleAsync(Topics.ForEnrolmentRequest(node.NodeId), new ReadOnlySequence<byte>(signed), retained: true, CancellationToken.None);
        var unsigned = await pipeline.HandleAsync(
            Topics.ForEnrolmentRequest(node.NodeId), new ReadOnlySequence<byte>(WireCodec.Encode(node.Request(["thon-1"], ControllerHost.Token.Token))), retained: false, CancellationToken.None);

        Assert.Equal(
            (IngestRefusals.NodeIdMismatch, IngestRefusals.Retained, "malformed"),
            (mismatch.RefusedReason, retained.RefusedReason, unsigned.RefusedReason));
        await AssertNothingEnrolledAsync(node.NodeId);
        await AssertNothingEnrolledAsync("someone-else");
    }

    [Fact]
    public async Task Refused_requests_are_counted_per_source_with_the_senders_address_and_shown_on_the_enrolment_page()
    {
        using var node = NodeCredentials.Create("forger-3");
        using var other = NodeCredentials.Create("forger-3");
        var bytes = WireCodec.Encode(node.Request(["thon-1"], null));
        var forged = SignedPayloadCodec.Format(bytes, EcdsaP256.Sign(other.Key, bytes));
        var refused = _host.WaitForIngest(result => result.NodeId == node.NodeId);
        await NodeEnrolment.RequestRawAsync("127.0.0.1", _host.MqttPort, node, Topics.ForEnrolmentRequest(node.NodeId), forged, NoAnswer);
        Assert.Equal(IngestRefusals.BadSignature, (await refused).RefusedReason);

        // As an external broker delivers it: nobody says who sent it.
        await _host.Services.GetRequiredService<IngestPipeline>().HandleAsync(
            Topics.ForEnrolmentRequest("made-up-1"), new ReadOnlySequence<byte>("{}"u8.ToArray()), retained: false, CancellationToken.None);

        var report = _host.Services.GetRequiredService<EnrolmentRefusalLog>().Report();
        Assert.Equal((1, 1), (report.ByReason[IngestRefusals.BadSignature], report.ByReason["malformed"]));
        Assert.Equal(1, report.BySource[new EnrolmentRefusalSource(node.NodeId, "127.0.0.1")]);
        Assert.Equal(1, report.BySource[new EnrolmentRefusalSource("made-up-1", null)]);

        var page = WebUtility.HtmlDecode(await _host.Http.GetStringAsync("/enrolment"));
        Assert.Contains("Yêu cầu đăng ký bị từ chối (2)", page, StringComparison.Ordinal);
        Assert.Contains("Theo nguồn (mã cụm loa xin, địa chỉ gửi)", page, StringComparison.Ordinal);
        Assert.Contains($"data-enrol-source=\"{node.NodeId}\" data-sender=\"127.0.0.1\"><strong data-count>1</strong> <code>{node.NodeId}</code> · từ 127.0.0.1", page, StringComparison.Ordinal);
        Assert.Contains("data-enrol-source=\"made-up-1\" data-sender=\"\"><strong data-count>1</strong> <code>made-up-1</code> · không rõ địa chỉ", page, StringComparison.Ordinal);
        Assert.Contains("<code>bad-signature</code>: Không được ký bằng khoá", page, StringComparison.Ordinal);

        using var english = new HttpRequestMessage(HttpMethod.Get, "/enrolment");
        english.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den-GB%7Cuic%3Den-GB");
        using var answer = await _host.Http.SendAsync(english);
        var englishPage = WebUtility.HtmlDecode(await answer.Content.ReadAsStringAsync());
        Assert.Contains("Per source (node id asked for, sending address)", englishPage, StringComparison.Ordinal);
        Assert.Contains("from 127.0.0.1", englishPage, StringComparison.Ordinal);
    }

    private static List<string> Zones(params string[] zones) => [.. zones];

    private async Task<EnrolmentStatus> RequestAsync(NodeCredentials node, string? token) =>
        await NodeEnrolment.RequestAsync("127.0.0.1", _host.MqttPort, node, ["thon-1"], token, ControllerHost.Timeout);

    private async Task AssertNothingEnrolledAsync(string nodeId)
    {
        Assert.Null(Directory.Find(nodeId));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri($"/api/identities/{nodeId}", UriKind.Relative))).StatusCode);
        Assert.DoesNotContain(nodeId, await _host.Http.GetStringAsync("/api/enrolment/requests"), StringComparison.Ordinal);
    }
}
