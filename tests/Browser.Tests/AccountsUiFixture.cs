using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Playwright;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// What the account pages' browser tests share: a Controller process without nodes (these pages need none), its test
/// admin, and one headless Chromium.
/// </summary>
public sealed class AccountsUiFixture : IAsyncLifetime
{
    private readonly string dataDirectory = Path.Combine(Path.GetTempPath(), "sl-accounts-" + Guid.NewGuid().ToString("N"));
    private PhoneBrowser? phone;

    public ControllerProcess Controller { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(FleetUiFixture.ScreenshotDirectory);
        Controller = new ControllerProcess(dataDirectory);
        await Controller.StartAsync();
        phone = await PhoneBrowser.LaunchAsync();
    }

    /// <summary>A fresh phone-sized context (360×740) in <paramref name="culture"/> (Vietnamese by default), signed in as the test admin.</summary>
    public async Task<IPage> NewAdminPageAsync(string? culture = null) =>
        await phone!.NewPageAsync(Controller.BaseAddress, culture, session: await Controller.SessionCookieAsync());

    /// <summary>A fresh phone-sized context that is signed in as no one.</summary>
    public async Task<IPage> NewAnonymousPageAsync(string? culture = null) => await phone!.NewPageAsync(Controller.BaseAddress, culture);

    /// <summary>Makes an account through the admins' API, as another admin would; its random password.</summary>
    public async Task<string> CreateUserAsync(string name, string displayName, params string[] roles)
    {
        using var client = Controller.Client();
        using var created = await client.PostAsJsonAsync("/api/users", new { name, displayName, roles });
        Assert.Equal(System.Net.HttpStatusCode.Created, created.StatusCode);
        return (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("password").GetString()!;
    }

    public async Task DisposeAsync()
    {
        if (phone is not null)
        {
            await phone.DisposeAsync();
        }

        if (Controller is not null)
        {
            await Controller.DisposeAsync();
        }

        try
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still closing; the temporary folder is cleaned by the system.
        }
    }
}
