using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Localization;
using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>
/// The language switch: a plain link (works without scripts) that stores the choice in the culture cookie for a year
/// and returns to the page it came from.
/// </summary>
internal static class LanguageEndpoints
{
    public const string Path = "/language";

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(Path, SwitchLanguage).ExcludeFromDescription().AllowAnonymous();

    public static string LinkTo(string culture, string returnUrl) =>
        Path + QueryString.Create([new KeyValuePair<string, string?>("culture", culture), new("returnUrl", returnUrl)]);

    private static RedirectHttpResult SwitchLanguage(HttpContext context, TimeProvider time, string? culture, string? returnUrl)
    {
        var back = IsLocal(returnUrl) ? returnUrl! : "/";
        if (UiCultures.Find(culture) is { } chosen)
        {
            context.Response.Cookies.Append(
                CookieRequestCultureProvider.DefaultCookieName,
                CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
                new CookieOptions
                {
                    Expires = time.GetUtcNow().AddYears(1),
                    IsEssential = true,
                    HttpOnly = true,
                    SameSite = SameSiteMode.Lax,
                    Secure = context.Request.IsHttps,
                });
        }

        return TypedResults.LocalRedirect(back);
    }

    /// <summary>Only paths on this site: an open redirect would let a phishing link borrow the controller's address.</summary>
    private static bool IsLocal(string? url) =>
        !string.IsNullOrEmpty(url) && url[0] == '/' && (url.Length == 1 || (url[1] != '/' && url[1] != '\\'));
}
