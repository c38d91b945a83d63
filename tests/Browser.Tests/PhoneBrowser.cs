using Microsoft.Playwright;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// What every browser fixture starts the same way: one headless Chromium (Debian's, launched by Playwright), and fresh
/// phone-sized contexts (360×740) in a chosen language, signed in or not.
/// </summary>
public sealed class PhoneBrowser : IAsyncDisposable
{
    private readonly IPlaywright playwright;

    private PhoneBrowser(IPlaywright playwright, IBrowser browser)
    {
        this.playwright = playwright;
        Browser = browser;
    }

    public IBrowser Browser { get; }

    public static async Task<PhoneBrowser> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = "/usr/bin/chromium",
                Headless = true,
                Args =
                [
                    "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--no-first-run",
                ],
            });
            return new PhoneBrowser(playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }

    /// <summary>
    /// A fresh context on <paramref name="baseAddress"/> at phone size, in <paramref name="culture"/> (the
    /// Controller's choice, Vietnamese, when null), script on unless told otherwise, with the browser's own
    /// <paramref name="locale"/> when a test depends on it, signed in with the <paramref name="session"/> cookie when given.
    /// </summary>
    public async Task<IPage> NewPageAsync(Uri baseAddress, string? culture, bool script = true, string? locale = null, Cookie? session = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = PageChecks.PhoneWidth, Height = 740 },
            DeviceScaleFactor = 1,
            JavaScriptEnabled = script,
            Locale = locale,
        });
        await context.AddInitScriptAsync(PageChecks.RecordPolicyViolations);
        if (culture is not null)
        {
            await context.AddCookiesAsync(
            [
                new Cookie { Name = ".AspNetCore.Culture", Value = $"c={culture}|uic={culture}", Domain = "127.0.0.1", Path = "/" },
            ]);
        }

        if (session is not null)
        {
            await context.AddCookiesAsync([session]);
        }

        return await context.NewPageAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Browser.DisposeAsync();
        playwright.Dispose();
    }
}
