using System.Globalization;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// The built Controller as its own process on real loopback ports, in the Production environment (so its error
/// pages are the ones people get). It can be stopped and started again on the same ports and store. With demo keys
/// (the default) it signs commands, and nodes pin <see cref="RootPublicKeyFile"/>.
/// </summary>
public sealed class ControllerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly string dataDirectory;
    private ProgramProcess? process;
    private string? sessionSecret;

    private readonly bool demoKeys;
    private readonly bool externalBroker;
    private readonly IReadOnlyList<string> extraArguments;

    /// <param name="dataDirectory">The store and keys folder.</param>
    /// <param name="demoKeys">Start with Security:GenerateDemoKeys (commands enabled).</param>
    /// <param name="externalBrokerPort">
    /// A broker to use instead of the embedded one (Mosquitto: there anyone may publish on a command topic, the position
    /// of an attacker with broker access, which the embedded broker's publish policy would otherwise stop first).
    /// </param>
    /// <param name="extraArguments">More settings as <c>--key=value</c> (an enrolment bootstrap token).</param>
    public ControllerProcess(string dataDirectory, bool demoKeys = true, int? externalBrokerPort = null, IReadOnlyList<string>? extraArguments = null)
    {
        this.dataDirectory = dataDirectory;
        this.extraArguments = extraArguments ?? [];
        this.demoKeys = demoKeys;
        externalBroker = externalBrokerPort is not null;
        HttpPort = FreePort.Next();
        MqttPort = externalBrokerPort ?? FreePort.Next();
    }

    public int HttpPort { get; }

    public int MqttPort { get; }

    /// <summary>The demo root's public key, written by the Controller at its first start (what a node pins).</summary>
    public string RootPublicKeyFile => Path.Combine(dataDirectory, "keys", "root.pub");

    /// <summary>The pinned root for a node: the DER SubjectPublicKeyInfo in <see cref="RootPublicKeyFile"/> (base64url text).</summary>
    public ReadOnlyMemory<byte> RootPublicKey() => System.Buffers.Text.Base64Url.DecodeFromChars(File.ReadAllText(RootPublicKeyFile).Trim());

    public Uri BaseAddress => new($"http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}/");

    /// <summary>The test admin (roles admin, technician), made with <c>accounts add-admin</c> before the first start.</summary>
    public ControllerAccount Account { get; private set; } = null!;

    public async Task StartAsync()
    {
        Account = await ControllerAccount.ForStoreAsync(dataDirectory);
        process = ControllerProgram.Start(
            [
                $"--Urls=http://127.0.0.1:{HttpPort.ToString(CultureInfo.InvariantCulture)}",
                externalBroker ? "--Broker:Mode=External" : "--Broker:Mode=Embedded",
                $"--Broker:Port={MqttPort.ToString(CultureInfo.InvariantCulture)}",
                externalBroker ? "--Broker:Host=127.0.0.1" : "--Broker:BindAddress=127.0.0.1",
                "--Broker:Tls:Port=0",
                $"--Store:DataDirectory={dataDirectory}",
                $"--Security:GenerateDemoKeys={(demoKeys ? "true" : "false")}",

                // The token the tests' nodes carry (NodeAgentSettings.EnrolmentToken), so they enrol themselves; a
                // fixture with tokens of its own passes them instead.
                .. (extraArguments.Count > 0 ? extraArguments : BootstrapToken.Arguments(BootstrapToken.ForTests.ControllerSettings())),
            ],
            new Dictionary<string, string> { ["ASPNETCORE_ENVIRONMENT"] = "Production" });

        await process.WaitUntilReadyAsync(StartTimeout);
    }

    public async Task StopAsync()
    {
        if (process is not null)
        {
            await process.StopAsync(TimeSpan.FromSeconds(20));
            await process.DisposeAsync();
            process = null;
        }
    }

    public string RecentOutput => process?.RecentOutput ?? string.Empty;

    /// <summary>A client of this Controller that acts as <see cref="Account"/> by its API token.</summary>
    public HttpClient Client(HttpMessageHandler? handler = null)
    {
        var client = handler is null ? new HttpClient() : new HttpClient(handler);
        client.BaseAddress = BaseAddress;
        Account.Authorize(client);
        return client;
    }

    /// <summary>
    /// The session cookie of <see cref="Account"/>, signed in once through the sign-in page's form (with its antiforgery
    /// token) and put into every browser context, so pages open signed in as a technician does after signing in.
    /// </summary>
    public async Task<Microsoft.Playwright.Cookie> SessionCookieAsync()
    {
        if (sessionSecret is null)
        {
            using var handler = new HttpClientHandler { AllowAutoRedirect = false, CookieContainer = new System.Net.CookieContainer() };
            using var browser = new HttpClient(handler) { BaseAddress = BaseAddress };
            var page = await browser.GetStringAsync(new Uri("/signin", UriKind.Relative));
            var token = System.Text.RegularExpressions.Regex.Match(page, @"name=""__RequestVerificationToken"" type=""hidden"" value=""(?<token>[^""]+)""").Groups["token"].Value;
            using var signedIn = await browser.PostAsync(new Uri("/signin", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["name"] = Account.Name,
                ["password"] = Account.Password,
                ["__RequestVerificationToken"] = token,
            }));
            sessionSecret = handler.CookieContainer.GetCookies(BaseAddress)["sl_session"]?.Value
                ?? throw new InvalidOperationException($"Signing in as {Account.Name} answered {(int)signedIn.StatusCode} without a session cookie.");
        }

        return new Microsoft.Playwright.Cookie
        {
            Name = "sl_session",
            Value = sessionSecret,
            Domain = "127.0.0.1",
            Path = "/",
            HttpOnly = true,
            SameSite = Microsoft.Playwright.SameSiteAttribute.Strict,
        };
    }

    public async ValueTask DisposeAsync()
    {
        if (process is not null)
        {
            await process.DisposeAsync();
        }
    }
}
