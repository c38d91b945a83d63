using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// The real Controller, hosted in the test process: embedded broker on a free loopback port (or an external
/// broker), LiteDB in a temporary folder, and optionally a fake clock. Its HTTP API is reached in memory.
/// </summary>
internal sealed class ControllerUnderTest : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> settings;
    private readonly TimeProvider? time;
    private readonly Lock tokenLock = new();
    private CreatedApiToken? token;

    private ControllerUnderTest(Dictionary<string, string?> settings, TimeProvider? time)
    {
        // Every test Controller knows the test run's enrolment token, so test nodes enrol the real way.
        foreach (var (key, value) in BootstrapToken.ForTests.ControllerSettings())
        {
            settings[key] = value;
        }

        this.settings = settings;
        this.time = time;
    }

    /// <summary>Port of the broker the Controller uses.</summary>
    public int MqttPort { get; private set; }

    /// <summary>The observer account's password (read-only on <c>sl/v1/#</c>): what a test watching the wire logs in with.</summary>
    public string ObserverPassword => Services.GetRequiredService<BrokerSecrets>().ObserverPassword;

    /// <summary>The embedded broker's TLS port (0 with an external broker).</summary>
    public int TlsPort => Services.GetRequiredService<EmbeddedBroker>().TlsPort;

    /// <summary>
    /// Starts a Controller with its embedded broker, keeping its store in <paramref name="dataDirectory"/>;
    /// <paramref name="settings"/> adds to (or overrides) the test's own.
    /// </summary>
    public static ControllerUnderTest WithEmbeddedBroker(
        string dataDirectory, TimeProvider? time = null, int port = 0, IReadOnlyDictionary<string, string?>? settings = null)
    {
        Dictionary<string, string?> all = new()
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Broker:BindAddress"] = "127.0.0.1",
            ["Broker:Tls:Port"] = "0",
            ["Store:DataDirectory"] = dataDirectory,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        var controller = new ControllerUnderTest(all, time);
        controller.StartReady();
        controller.MqttPort = controller.Services.GetRequiredService<EmbeddedBroker>().Port;
        return controller;
    }

    /// <summary>Starts a Controller that uses an external broker (Mosquitto) on loopback.</summary>
    public static ControllerUnderTest WithExternalBroker(int brokerPort, string dataDirectory, TimeProvider? time = null)
    {
        var controller = new ControllerUnderTest(
            new()
            {
                ["Broker:Mode"] = "External",
                ["Broker:Host"] = "127.0.0.1",
                ["Broker:Port"] = brokerPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Store:DataDirectory"] = dataDirectory,
            },
            time);
        controller.StartReady();
        controller.MqttPort = brokerPort;
        return controller;
    }

    /// <summary>
    /// Starts a Controller that writes <paramref name="mosquitto"/>'s files, starts that Mosquitto on them (unless it
    /// already runs) and waits until the Controller has connected to it.
    /// </summary>
    public static async Task<ControllerUnderTest> WithMosquittoAsync(ControllerMosquitto mosquitto, string dataDirectory, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(mosquitto);
        var all = new Dictionary<string, string?>(mosquitto.ControllerSettings()) { ["Store:DataDirectory"] = dataDirectory };
        var controller = new ControllerUnderTest(all, time);
        try
        {
            controller.StartServer();
            await mosquitto.StartAsync(Eventually.Timeout);
            await controller.Services.GetRequiredService<MqttConnectionService>().FirstConnection.WaitAsync(Eventually.Timeout);
        }
        catch
        {
            await controller.DisposeAsync();
            throw;
        }

        controller.MqttPort = mosquitto.Port;
        return controller;
    }

    /// <summary>
    /// Starts the host and waits until its MQTT client has connected and subscribed. With an external broker (and
    /// on a busy machine with the embedded one) the host starts without waiting for that, and a node started
    /// before it would have its birth missed and be reborn later, at an instant the test did not choose.
    /// </summary>
    private void StartReady()
    {
        StartServer();
        Services.GetRequiredService<MqttConnectionService>().FirstConnection.WaitAsync(Eventually.Timeout).GetAwaiter().GetResult();
    }

    /// <summary>GET /api/nodes as JSON.</summary>
    public async Task<JsonElement> GetNodesAsync() =>
        await CreateClient().GetFromJsonAsync<JsonElement>("/api/nodes");

    /// <summary>The node with <paramref name="nodeId"/> from GET /api/nodes, or null.</summary>
    public async Task<JsonElement?> FindNodeAsync(string nodeId)
    {
        foreach (var node in (await GetNodesAsync()).EnumerateArray())
        {
            if (node.GetProperty("id").GetString() == nodeId)
            {
                return node;
            }
        }

        return null;
    }

    /// <summary>
    /// Advances the Controller's fake clock and returns once the fleet sweeper has judged the new instant, so what
    /// the test reads next reflects it: the sweeper's own signal, not a poll with a deadline that a busy machine misses.
    /// </summary>
    public async Task AdvanceAndSweepAsync(FakeTimeProvider clock, TimeSpan by)
    {
        ArgumentNullException.ThrowIfNull(clock);
        var sweeper = Services.GetRequiredService<FleetSweeper>();
        var target = clock.GetUtcNow() + by;
        var swept = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwept(DateTimeOffset at)
        {
            if (at >= target)
            {
                swept.TrySetResult();
            }
        }

        sweeper.Swept += OnSwept;
        try
        {
            clock.Advance(by);
            await swept.Task.WaitAsync(Eventually.Timeout);
        }
        finally
        {
            sweeper.Swept -= OnSwept;
        }
    }

    /// <summary>Value of one series in /metrics, e.g. <c>sl_ingest_refused_total{reason="retained"}</c>; 0 when absent.</summary>
    public async Task<double> MetricAsync(string series)
    {
        using var http = CreateClient();
        foreach (var line in (await http.GetStringAsync(new Uri("/metrics", UriKind.Relative))).Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>True when the node is listed online.</summary>
    public async Task<bool> IsOnlineAsync(string nodeId) =>
        await FindNodeAsync(nodeId) is { } node && node.GetProperty("online").GetBoolean();

    /// <summary>Every stored event id of <paramref name="nodeId"/>, in storing order, read page by page from the API.</summary>
    public async Task<List<string>> EventIdsAsync(string nodeId)
    {
        using var http = CreateClient();
        var ids = new List<string>();
        long after = 0;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/nodes/{nodeId}/events?after={after}&limit=1000");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                return ids;
            }

            after = page.GetProperty("next").GetInt64();
        }
    }

    /// <summary>Why the store started degraded (damage found and handled), from /healthz; null when it started clean.</summary>
    public async Task<string?> StoreDegradedAsync()
    {
        using var http = CreateClient();
        using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.TryGetProperty("storeDegraded", out var degraded) && degraded.ValueKind == JsonValueKind.String ? degraded.GetString() : null;
    }

    /// <summary>
    /// Every client acts as the test admin (roles admin and technician) by an API token: the Controller refuses callers
    /// without an account. A token is made again once the Controller's clock (which a test may move by years) passes it.
    /// </summary>
    protected override void ConfigureClient(HttpClient client)
    {
        ArgumentNullException.ThrowIfNull(client);
        base.ConfigureClient(client);
        var now = Services.GetRequiredService<TimeProvider>().GetUtcNow();
        lock (tokenLock)
        {
            if (token is null || token.Record.ExpiresAt <= now + TimeSpan.FromDays(1))
            {
                token = Task.Run(() => MakeTokenAsync(Services.GetRequiredService<AccountDirectory>())).GetAwaiter().GetResult();
            }

            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token.Token);
        }
    }

    private static async Task<CreatedApiToken> MakeTokenAsync(AccountDirectory accounts)
    {
        string[] roles = [AccountRoles.Admin, AccountRoles.Technician];
        if (accounts.FindUser(ControllerAccount.TestAdmin) is null)
        {
            var created = await accounts.CreateUserAsync(ControllerAccount.TestAdmin, null, AccountSecrets.NewPassword(), roles);
            Assert.True(created.Value is not null, created.Problem);
        }

        var made = await accounts.CreateTokenAsync(ControllerAccount.TestAdmin, "tests", roles, TimeSpan.FromDays(366));
        Assert.True(made.Value is not null, made.Problem);
        return made.Value;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in settings)
        {
            builder.UseSetting(key, value);
        }

        if (time is not null)
        {
            builder.ConfigureServices(services => services.Replace(ServiceDescriptor.Singleton(time)));
        }
    }
}
