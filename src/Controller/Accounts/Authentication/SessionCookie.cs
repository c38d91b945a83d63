namespace SmartLoudspeaker.Controller.Accounts.Authentication;

/// <summary>
/// The session cookie: only a random secret (the session lives on the server), HttpOnly (no script reads it),
/// SameSite=Strict (no other site's page sends it), Secure whenever the request came over HTTPS, and without an
/// expiry of its own, so it ends with the browser as well as with the session.
/// </summary>
internal static class SessionCookie
{
    /// <summary>"__Host-" would tie the cookie to Secure and the host; plain HTTP on loopback (the demo) rules it out.</summary>
    public const string Name = "sl_session";

    public static void Set(HttpResponse response, string secret)
    {
        ArgumentNullException.ThrowIfNull(response);
        response.Cookies.Append(Name, secret, Options(response.HttpContext.Request));
    }

    public static void Delete(HttpResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        if (!response.HasStarted)
        {
            response.Cookies.Delete(Name, Options(response.HttpContext.Request));
        }
    }

    private static CookieOptions Options(HttpRequest request) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = request.IsHttps,
        Path = "/",
        IsEssential = true,
    };
}
