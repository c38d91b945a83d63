using System.Net;
using MQTTnet;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>
/// Issue 10: refusals are "counted per source and visible to technicians", and "the takeover is counted and shown":
/// the Broker page (<c>/broker</c>) in both languages, after provoking them on the real embedded broker.
/// </summary>
public sealed class BrokerPageTests : IAsyncDisposable
{
    private const string EnglishCookie = ".AspNetCore.Culture=c%3Den-GB%7Cuic%3Den-GB";
    private readonly BrokerTestHost _broker = new();
    private readonly ControllerHost _host;

    public BrokerPageTests() => _host = _broker.Host;

    public ValueTask DisposeAsync() => _broker.DisposeAsync();

    [Fact]
    public async Task An_anonymous_connection_shows_with_its_reason_in_words_and_its_source_in_both_languages()
    {
        var anonymous = await ConnectAsync(null, null, "sim-anon");
        Assert.Equal(MqttClientConnectResultCode.NotAuthorized, anonymous.ResultCode);

        var page = await _host.Http.GetStringAsync(new Uri("/broker", UriKind.Relative));
        Assert.Contains("<li data-reason=\"anonymous\"><strong data-count>1</strong>", page, StringComparison.Ordinal);
        Assert.Contains("Kết nối không có tên đăng nhập. Broker không nhận khách vô danh.", page, StringComparison.Ordinal);
        Assert.Contains("<li data-source=\"127.0.0.1\"><strong data-count>1</strong>", page, StringComparison.Ordinal);
        Assert.Contains("<dd data-f=\"source\">127.0.0.1:", page, StringComparison.Ordinal);
        Assert.Contains("<dd data-f=\"client-id\">sim-anon</dd>", page, StringComparison.Ordinal);

        var english = await GetEnglishAsync("/broker");
        Assert.Contains("A connection without a username. The broker lets no anonymous client in.", english, StringComparison.Ordinal);
        Assert.Contains("Refusals per source", english, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_subscription_shows_its_topic_and_source_and_a_takeover_is_counted_per_username()
    {
        var password = _host.PutNode("sim-06", "thon-1");
        var first = await ConnectAsync("sim-06", password, "sim-06");
        Assert.True((int)await first.SubscribeAsync("sl/v1/node/sim-07/cmd") >= 0x80, "another node's command topic is refused");
        var second = await ConnectAsync("sim-06", password, "sim-06");
        Assert.Equal(MqttClientConnectResultCode.Success, second.ResultCode);

        var page = await _host.Http.GetStringAsync(new Uri("/broker", UriKind.Relative));
        Assert.Contains("<dd data-f=\"topic\"><code>sl/v1/node/sim-07/cmd</code></dd>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<dd data-f=\"source\">—", page, StringComparison.Ordinal);
        Assert.Contains("<li data-takeover=\"sim-06\"><strong data-count>1</strong>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("Chưa có phiên nào bị chiếm lại.", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_observer_password_shows_only_when_asked_for()
    {
        var password = _host.ObserverPassword();

        // Decoded, as a technician reads it: the password may hold characters Razor writes as entities.
        var hidden = WebUtility.HtmlDecode(await _host.Http.GetStringAsync(new Uri("/broker", UriKind.Relative)));
        using var shown = await _host.Http.GetAsync(new Uri("/broker?show=1", UriKind.Relative));
        var shownPage = WebUtility.HtmlDecode(await shown.Content.ReadAsStringAsync());

        Assert.DoesNotContain(password, hidden, StringComparison.Ordinal);
        Assert.Contains("-u observer -P '••••••'", hidden, StringComparison.Ordinal);
        Assert.Contains("href=\"/broker?show=1#observer\">Hiện mật khẩu</a>", hidden, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, shown.StatusCode);
        Assert.Contains("-u observer -P '" + password + "' -t 'sl/v1/#' -v", shownPage, StringComparison.Ordinal);
        Assert.Contains("no-store", shown.Headers.CacheControl?.ToString(), StringComparison.Ordinal);
    }

    private async Task<string> GetEnglishAsync(string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path, UriKind.Relative));
        request.Headers.Add("Cookie", EnglishCookie);
        using var response = await _host.Http.SendAsync(request);
        return await response.Content.ReadAsStringAsync();
    }

    private Task<BrokerClient> ConnectAsync(string? username, string? password, string clientId) =>
        _broker.ConnectAsync(username, password, clientId);
}
