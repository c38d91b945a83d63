using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Accounts;

/// <summary>API tokens: scoped to their roles (a subset of the owner's), refused once expired or revoked, shown once.</summary>
public sealed class ApiTokenTests : IDisposable
{
    private static readonly string[] TechnicianAndViewer = [AccountRoles.Technician, AccountRoles.Viewer];
    private static readonly string[] AdminOnly = [AccountRoles.Admin];
    private static readonly string[] ViewerOnly = [AccountRoles.Viewer];
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public ApiTokenTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_token_acts_only_with_its_own_roles_even_when_its_owner_holds_more()
    {
        var token = await _host.CreateTokenAsync("tuan", TechnicianAndViewer, [AccountRoles.Viewer]);
        using var script = Script(token);

        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        using var command = await script.PostAsJsonAsync("/api/fleet/commands", new { type = "set-heartbeat", body = new { seconds = 3600 } });
        Assert.Equal(HttpStatusCode.Forbidden, command.StatusCode);
        var account = await script.GetFromJsonAsync<JsonElement>("/api/account");
        Assert.Equal(["viewer"], account.GetProperty("roles").EnumerateArray().Select(role => role.GetString()));
        Assert.Equal("token", account.GetProperty("via").GetString());
    }

    [Fact]
    public async Task A_token_is_made_through_the_API_only_with_roles_the_caller_holds_and_is_shown_once()
    {
        using var owner = Script(await _host.CreateTokenAsync("tuan", TechnicianAndViewer));
        using var beyond = await owner.PostAsJsonAsync("/api/account/tokens", new { name = "CAP", roles = AdminOnly, days = 30 });
        Assert.Equal(HttpStatusCode.BadRequest, beyond.StatusCode);
        using var tooLong = await owner.PostAsJsonAsync("/api/account/tokens", new { name = "CAP", roles = ViewerOnly, days = 4000 });
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);

        using var made = await owner.PostAsJsonAsync("/api/account/tokens", new { name = "Bảng tin", roles = ViewerOnly, days = 30 });
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var created = await made.Content.ReadFromJsonAsync<JsonElement>();
        var secret = created.GetProperty("secret").GetString()!;
        Assert.StartsWith("sl_", secret, StringComparison.Ordinal);

        var listed = await owner.GetStringAsync(new Uri("/api/account/tokens", UriKind.Relative));
        Assert.Contains("Bảng tin", listed, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
        using var board = Script(secret);
        Assert.Equal(HttpStatusCode.OK, (await board.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task An_expired_token_is_refused()
    {
        using var script = Script(await _host.CreateTokenAsync("tuan", TechnicianAndViewer, lifetime: TimeSpan.FromDays(1)));
        Assert.Equal(HttpStatusCode.OK, (await script.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

        _host.Clock.Advance(TimeSpan.FromDays(1));
        using var expired = await script.GetAsync(new Uri("/api/nodes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, expired.StatusCode);
        Assert.Contains(_host.Logs.Lines, line => line.Message.Contains("expired", StringComparison.Ordinal));
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task A_revoked_token_is_refused_at_once_and_a_made_up_one_never_works()
    {
        using var script = Script(await _host.CreateTokenAsync("tuan", TechnicianAndViewer));
        var id = Assert.Single((await script.GetFromJsonAsync<JsonElement>("/api/account/tokens")).EnumerateArray()).GetProperty("id").GetString();

        using (var revoked = await script.DeleteAsync(new Uri($"/api/account/tokens/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);
        }

        using var after = await script.GetAsync(new Uri("/api/nodes", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, after.StatusCode);
        Assert.Equal("Bearer", after.Headers.WwwAuthenticate.ToString());

        using var madeUp = Script("sl_" + new string('A', 43));
        Assert.Equal(HttpStatusCode.Unauthorized, (await madeUp.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

        // Another person's token stays as it was.
        Assert.Equal(HttpStatusCode.OK, (await _host.Http.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public async Task Nothing_changes_state_without_an_account()
    {
        using var anonymous = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        using var command = await anonymous.PostAsJsonAsync("/api/nodes/sim-01/commands", new { type = "set-heartbeat", body = new { seconds = 3600 } });
        Assert.Equal(HttpStatusCode.Unauthorized, command.StatusCode);
        using var fleet = await anonymous.PostAsJsonAsync("/api/fleet/commands", new { type = "set-heartbeat", body = new { seconds = 3600 } });
        Assert.Equal(HttpStatusCode.Unauthorized, fleet.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await anonymous.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    private HttpClient Script(string token)
    {
        var client = _host.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }
}
