using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Web;

/// <summary>No secret reaches the log: not the broker's passwords, the enrolment token, a new account's password, nor an API token, through a start and their use.</summary>
public sealed class SecretsInLogsTests
{
    [Fact]
    public async Task Starting_issuing_and_using_secrets_logs_none_of_them()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path);
        await host.ConnectNodeAsync("thon-1-nha-van-hoa");

        using var user = await host.Http.PostAsJsonAsync("/api/users", new { name = "can-bo", roles = new[] { AccountRoles.Viewer } });
        Assert.Equal(HttpStatusCode.Created, user.StatusCode);
        var password = (await user.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;
        using var token = await host.Http.PostAsJsonAsync("/api/account/tokens", new { name = "curl", roles = new[] { AccountRoles.Viewer }, days = 1 });
        Assert.Equal(HttpStatusCode.Created, token.StatusCode);
        var secret = (await token.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("secret").GetString()!;
        using var client = host.CreateDefaultClient(new Uri("http://localhost"), new BearerTokenHandler(secret));
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);
        using var wrong = host.CreateDefaultClient(new Uri("http://localhost"), new BearerTokenHandler(secret + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, (await wrong.GetAsync(new Uri("/api/nodes", UriKind.Relative))).StatusCode);

        var broker = host.Services.GetRequiredService<BrokerSecrets>();
        string[] secrets = [password, secret, ControllerHost.Token.Token, broker.ControllerPassword, broker.ObserverPassword];
        var lines = host.Logs.Lines.Select(line => $"{line.Message} {line.Exception}").ToList();
        Assert.NotEmpty(lines);
        foreach (var value in secrets)
        {
            Assert.DoesNotContain(lines, line => line.Contains(value, StringComparison.Ordinal));
        }
    }
}
