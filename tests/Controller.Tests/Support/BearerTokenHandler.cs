using System.Net.Http.Headers;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// Puts an API token on every request, redirected ones included (HttpClient drops <c>Authorization</c> when it follows
/// a redirect itself; here the test server's redirect handler sits outside this one).
/// </summary>
internal sealed class BearerTokenHandler(string token) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Authorization ??= new AuthenticationHeaderValue("Bearer", token);
        return base.SendAsync(request, cancellationToken);
    }
}
