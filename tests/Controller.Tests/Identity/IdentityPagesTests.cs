using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Identity;

/// <summary>
/// The technician's enrolment and enrolled-nodes pages in a running Controller: what they show, and that their plain
/// forms change identities through the same service as the API only with the antiforgery token.
/// </summary>
public sealed partial class IdentityPagesTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public IdentityPagesTests()
    {
        // Demo keys: a key rotation is a signed command.
        _host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" });
    }

    private EnrolmentService Service => _host.Services.GetRequiredService<EnrolmentService>();

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_waiting_request_shows_its_fingerprint_and_serial_and_is_approved_with_the_zones_ticked_only_with_the_antiforgery_token()
    {
        using var node = NodeCredentials.Create("loa-moi");
        var status = await NodeEnrolment.RequestAsync("127.0.0.1", _host.MqttPort, node, ["thon-2"], null, ControllerHost.Timeout);
        Assert.Equal(EnrolmentState.Pending, status.State);

        var page = await _host.Http.GetStringAsync(new Uri("/enrolment", UriKind.Relative));
        var groups = node.Fingerprint.Split(' ');
        Assert.Contains($@"<code class=""fingerprint"" data-fingerprint=""{node.Fingerprint}""><span>{string.Join(' ', groups[..4])}</span> <span>{string.Join(' ', groups[4..])}</span></code>", page, StringComparison.Ordinal);
        Assert.Contains("<code>serial-loa-moi</code>", page, StringComparison.Ordinal);
        Assert.Contains("Cụm loa mới.", page, StringComparison.Ordinal);
        Assert.Contains(@"<input type=""checkbox"" name=""zone"" value=""thon-2"" checked=""checked"">", page, StringComparison.Ordinal);
        var token = AntiforgeryToken().Match(page).Groups["token"].Value;
        Assert.NotEmpty(token);

        using var forged = await PostAsync("/enrolment?handler=approve&id=loa-moi", ("zone", "thon-2"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(Service.FindIdentity("loa-moi"));

        using var noZone = await PostAsync("/enrolment?handler=approve&id=loa-moi", ("more", "  "), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.BadRequest, noZone.StatusCode);
        Assert.Contains("Hãy chọn từ 1 đến 16 khu vực", await noZone.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Single(Service.Pending());

        using var approved = await PostAsync(
            "/enrolment?handler=approve&id=loa-moi", ("zone", "thon-2"), ("more", "thon-5, xom-dong"), ("__RequestVerificationToken", token));
        Assert.Equal(HttpStatusCode.OK, approved.StatusCode);
        Assert.Equal("/enrolment?done=approved&node=loa-moi", approved.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Contains("Đã duyệt cụm loa loa-moi", await approved.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var identity = Service.FindIdentity("loa-moi");
        Assert.Equal((IdentityStatus.Enrolled, "approval"), (identity!.Status, identity.Via));
        Assert.Equal(["thon-2", "thon-5", "xom-dong"], identity.ApprovedZones);
        Assert.Empty(Service.Pending());

        var identities = await _host.Http.GetStringAsync(new Uri("/identities", UriKind.Relative));
        Assert.Contains(@"data-identity=""loa-moi"" data-status=""enrolled""", identities, StringComparison.Ordinal);
        Assert.Contains("Chưa kết nối", identities, StringComparison.Ordinal);
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_refused_request_is_dropped_and_a_key_change_is_explained()
    {
        await using var enrolled = await _host.BornNodeAsync("loa-1");
        using var impostor = NodeCredentials.Create("loa-1");
        Assert.Equal(EnrolmentState.Pending, (await NodeEnrolment.RequestAsync("127.0.0.1", _host.MqttPort, impostor, ["thon-1"], null, ControllerHost.Timeout)).State);

        var page = await _host.Http.GetStringAsync(new Uri("/enrolment", UriKind.Relative));
        Assert.Contains(@"data-request=""loa-1"" data-reason=""key-changed""", page, StringComparison.Ordinal);
        Assert.Contains("Mã cụm loa này đã đăng ký với một khoá khác.", page, StringComparison.Ordinal);
        Assert.Contains($@"data-fingerprint=""{enrolled.Credentials.Fingerprint}""", page, StringComparison.Ordinal);

        using var refused = await PostAsync("/enrolment?handler=refuse&id=loa-1", ("__RequestVerificationToken", AntiforgeryToken().Match(page).Groups["token"].Value));
        Assert.Equal("/enrolment?done=refused&node=loa-1", refused.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Empty(Service.Pending());
        Assert.Equal(enrolled.Credentials.Fingerprint, Service.FindIdentity("loa-1")!.Fingerprint);
    }

    [Fact]
    public async Task A_token_made_on_the_page_is_shown_once_enrols_a_node_and_can_be_revoked()
    {
        var page = await _host.Http.GetStringAsync(new Uri("/enrolment", UriKind.Relative));
        var antiforgery = AntiforgeryToken().Match(page).Groups["token"].Value;

        using var withoutToken = await PostAsync("/enrolment?handler=createToken", ("zone", "thon-7"), ("days", "7"), ("uses", "2"));
        Assert.Equal(HttpStatusCode.BadRequest, withoutToken.StatusCode);
        using var badDays = await PostAsync("/enrolment?handler=createToken", ("zone", "thon-7"), ("days", "400"), ("uses", "2"), ("__RequestVerificationToken", antiforgery));
        Assert.Equal(HttpStatusCode.BadRequest, badDays.StatusCode);
        Assert.Contains("Hiệu lực phải từ 1 đến 366 ngày.", await badDays.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var before = Service.Tokens().Count;

        using var made = await PostAsync("/enrolment?handler=createToken", ("zone", "thon-7"), ("days", "7"), ("uses", "2"), ("__RequestVerificationToken", antiforgery));
        Assert.Equal(HttpStatusCode.OK, made.StatusCode);
        Assert.Contains("no-store", made.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
        var answer = await made.Content.ReadAsStringAsync();
        var written = TokenField().Match(answer).Groups["token"].Value;
        Assert.True(EnrolmentTokenProof.TryParseToken(written, out var tokenId, out _));
        Assert.Contains($@"{{ ""Node"": {{ ""Enrolment"": {{ ""Token"": ""{written}"" }} }} }}", WebUtility.HtmlDecode(answer), StringComparison.Ordinal);
        var record = Assert.Single(Service.Tokens(), token => token.Id == tokenId);
        Assert.Equal(["thon-7"], record.Zones);
        Assert.Equal((2, _host.Clock.GetUtcNow().AddDays(7)), (record.MaxUses, record.Expires));
        Assert.Equal(before + 1, Service.Tokens().Count);

        // Never again: the list shows the id, not the secret.
        var listed = await _host.Http.GetStringAsync(new Uri("/enrolment", UriKind.Relative));
        Assert.Contains($@"data-token-id=""{tokenId}"" data-usable=""true""", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(written, listed, StringComparison.Ordinal);

        using var node = NodeCredentials.Create("loa-hang-loat");
        Assert.Equal(EnrolmentState.Approved, (await NodeEnrolment.RequestAsync("127.0.0.1", _host.MqttPort, node, ["thon-7"], written, ControllerHost.Timeout)).State);
        Assert.Equal("token:" + tokenId, Service.FindIdentity("loa-hang-loat")!.Via);

        using var revoked = await PostAsync($"/enrolment?handler=revokeToken&tokenId={tokenId}", ("__RequestVerificationToken", antiforgery));
        Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
        Assert.Contains($@"data-token-id=""{tokenId}"" data-usable=""false""", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.True(Service.Tokens().Single(token => token.Id == tokenId).Revoked);
    }

    [Fact]
    public async Task An_enrolled_node_is_listed_with_a_zone_mismatch_after_a_zone_edit_and_is_revoked_then_retired_through_confirmation_pages()
    {
        await using var node = await _host.BornNodeAsync("loa-1");
        var page = await _host.Http.GetStringAsync(new Uri("/identities", UriKind.Relative));
        Assert.Contains(@"<a href=""/nodes/loa-1"">loa-1</a>", page, StringComparison.Ordinal);
        Assert.Contains($@"data-fingerprint=""{node.Credentials.Fingerprint}""", page, StringComparison.Ordinal);
        Assert.Contains("mã đăng ký " + ControllerHost.Token.Id, page, StringComparison.Ordinal);
        Assert.DoesNotContain("zone-mismatch", page, StringComparison.Ordinal);
        var antiforgery = AntiforgeryToken().Match(page).Groups["token"].Value;

        using var zones = await PostAsync("/identities?handler=zones&id=loa-1", ("zone", "thon-2"), ("__RequestVerificationToken", antiforgery));
        Assert.Equal("/identities?done=zones&node=loa-1", zones.RequestMessage!.RequestUri!.PathAndQuery);
        var edited = await zones.Content.ReadAsStringAsync();
        Assert.Contains("Cụm loa báo thuộc khu vực thon-1 nhưng chỉ được duyệt thon-2.", edited, StringComparison.Ordinal);
        Assert.Equal(["thon-2"], Service.FindIdentity("loa-1")!.ApprovedZones);

        var confirm = await _host.Http.GetStringAsync(new Uri("/identities/loa-1/revoke", UriKind.Relative));
        Assert.Contains("Cụm loa sẽ bị ngắt khỏi máy chủ tin nhắn ngay lập tức", confirm, StringComparison.Ordinal);
        using var forged = await PostAsync("/identities/loa-1/revoke");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Equal(IdentityStatus.Enrolled, Service.FindIdentity("loa-1")!.Status);

        using var revoked = await PostAsync("/identities/loa-1/revoke", ("__RequestVerificationToken", AntiforgeryToken().Match(confirm).Groups["token"].Value));
        Assert.Equal("/identities?done=revoked&node=loa-1", revoked.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Equal(IdentityStatus.Revoked, Service.FindIdentity("loa-1")!.Status);
        Assert.Contains(@"data-identity=""loa-1"" data-status=""revoked""", await revoked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri("/identities/loa-1/revoke", UriKind.Relative))).StatusCode);

        var retire = await _host.Http.GetStringAsync(new Uri("/identities/loa-1/retire", UriKind.Relative));
        using var retired = await PostAsync("/identities/loa-1/retire", ("__RequestVerificationToken", AntiforgeryToken().Match(retire).Groups["token"].Value));
        Assert.Equal("/identities?done=retired&node=loa-1", retired.RequestMessage!.RequestUri!.PathAndQuery);
        Assert.Null(Service.FindIdentity("loa-1"));
        Assert.Null(_host.Services.GetRequiredService<FleetRegistry>().Find("loa-1"));
        Assert.Equal(HttpStatusCode.NotFound, (await _host.Http.GetAsync(new Uri("/identities/loa-1/other", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task A_key_rotation_is_asked_through_its_confirmation_page_and_shown_as_under_way_in_both_languages()
    {
        await using var node = await _host.BornNodeAsync("loa-2");
        var page = await _host.Http.GetStringAsync(new Uri("/identities", UriKind.Relative));
        Assert.Contains(@"<a class=""button"" href=""/identities/loa-2/rotate"">Đổi khoá</a>", page, StringComparison.Ordinal);

        var confirm = await _host.Http.GetStringAsync(new Uri("/identities/loa-2/rotate", UriKind.Relative));
        Assert.Contains("Đổi khoá của loa-2?", confirm, StringComparison.Ordinal);
        Assert.Contains("Cụm loa sẽ tạo khoá và mật khẩu mới", confirm, StringComparison.Ordinal);
        using var forged = await PostAsync("/identities/loa-2/rotate");
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        Assert.Null(Service.FindRotation("loa-2"));

        var antiforgery = AntiforgeryToken().Match(confirm).Groups["token"].Value;
        using var rotating = await PostAsync("/identities/loa-2/rotate", ("__RequestVerificationToken", antiforgery));
        Assert.Equal("/identities?done=rotating&node=loa-2", rotating.RequestMessage!.RequestUri!.PathAndQuery);
        var listed = await rotating.Content.ReadAsStringAsync();
        Assert.Contains("Đã yêu cầu loa-2 đổi khoá", listed, StringComparison.Ordinal);
        Assert.Contains(@"<div data-rotation=""rotating""><dt>Đổi khoá</dt><dd>đang đổi khoá, từ <time", listed, StringComparison.Ordinal);
        Assert.Equal(node.Credentials.Fingerprint, Service.FindRotation("loa-2")!.OldFingerprint);

        using var again = await PostAsync("/identities/loa-2/rotate", ("__RequestVerificationToken", antiforgery));
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Contains("loa-2 đang đổi khoá; hãy chờ", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var english = new HttpRequestMessage(HttpMethod.Get, new Uri("/identities", UriKind.Relative));
        english.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den-GB%7Cuic%3Den-GB");
        var englishPage = await (await _host.Http.SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Contains(">Rotate key</a>", englishPage, StringComparison.Ordinal);
        Assert.Contains("rotating since <time", englishPage, StringComparison.Ordinal);
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task An_unsigned_event_reads_as_a_forged_message_in_both_languages_on_the_node_page()
    {
        await using var node = await _host.BornNodeAsync("loa-1");
        var topic = Topics.ForNode("loa-1", NodeMessageKind.Event);
        var handled = _host.WaitForIngest(result => result.Topic == topic);
        await node.PublishRawAsync(topic, WireCodec.Encode(Wire.Event("ev-unsigned")));
        await handled;

        var page = await _host.Http.GetStringAsync(new Uri("/nodes/loa-1", UriKind.Relative));
        Assert.Contains("Tin nhắn giả mạo", page, StringComparison.Ordinal);
        Assert.Contains("Bộ điều khiển đã bỏ một sự kiện không có chữ ký của khoá đã đăng ký", page, StringComparison.Ordinal);

        using var english = new HttpRequestMessage(HttpMethod.Get, new Uri("/nodes/loa-1", UriKind.Relative));
        english.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den-GB%7Cuic%3Den-GB");
        var englishPage = await (await _host.Http.SendAsync(english)).Content.ReadAsStringAsync();
        Assert.Contains("The Controller dropped an event not signed by the enrolled key", englishPage, StringComparison.Ordinal);
    }

    private async Task<HttpResponseMessage> PostAsync(string path, params (string Name, string Value)[] fields) =>
        await _host.Http.PostAsync(
            new Uri(path, UriKind.Relative),
            new FormUrlEncodedContent(fields.Select(field => new KeyValuePair<string, string>(field.Name, field.Value))));

    [GeneratedRegex(@"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""")]
    private static partial Regex AntiforgeryToken();

    [GeneratedRegex(@"value=""(?<token>[^""]+)"" spellcheck=""false"" autocapitalize=""none"" data-token")]
    private static partial Regex TokenField();
}
