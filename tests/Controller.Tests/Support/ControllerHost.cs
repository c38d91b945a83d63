using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// The controller in-process: embedded broker on a free loopback port, LiteDB in the given folder, a fake clock.
/// Waiting helpers subscribe to the controller's own signals, so tests never sleep.
/// </summary>
internal sealed class ControllerHost : WebApplicationFactory<Program>
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    /// <summary>The account <see cref="Http"/> acts as.</summary>
    public const string TestUser = "test-admin";

    /// <summary>The bootstrap token every test host is configured with, so test nodes enrol the real way.</summary>
    public static readonly BootstrapToken Token = BootstrapToken.Create("thon-1");

    // One key per node id and store folder, across hosts: a restarted Controller knows the key its node enrolled with.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Store, string Node), NodeCredentials> Enrolled = new();
    private readonly Dictionary<string, string?> _settings;
    private readonly Action<IServiceCollection>? _services;
    private HttpClient? _http;

    private ControllerHost(Dictionary<string, string?> settings, FakeTimeProvider clock, Action<IServiceCollection>? services)
    {
        _settings = settings;
        Clock = clock;
        _services = services;
    }

    public FakeTimeProvider Clock { get; }

    public CollectingLoggerProvider Logs { get; } = new();

    public int MqttPort => Services.GetRequiredService<EmbeddedBroker>().Port;

    /// <summary>
    /// A client that acts as <see cref="TestUser"/>, who holds every role, by an API token: every existing test drives
    /// the API and pages as someone allowed to. Tests of who may do what make their own (<see cref="ClientAs"/>).
    /// </summary>
    public HttpClient Http => _http ??= ClientAs(TestUser, AccountRoles.All);

    /// <summary>Builds a host; <see cref="WebApplicationFactory{T}.StartServer"/> (or the first request) starts it.</summary>
    public static ControllerHost Create(
        string dataDirectory, FakeTimeProvider? clock = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Broker:Mode"] = "Embedded",
            ["Broker:Port"] = "0",
            ["Broker:Tls:Port"] = "0",
            ["Broker:BindAddress"] = "127.0.0.1",
            ["Store:DataDirectory"] = dataDirectory,
            ["Fleet:SweepInterval"] = "00:00:01",
        };
        foreach (var (key, value) in Token.ControllerSettings())
        {
            all[key] = value;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        return new ControllerHost(all, clock ?? new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero)), services);
    }

    public static ControllerHost Start(
        string dataDirectory, FakeTimeProvider? clock = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? services = null)
    {
        var host = Create(dataDirectory, clock, settings, services);
        host.StartServer();

        // Tests begin once the controller's client is connected and subscribed, as a deployment settles before use,
        // and with their signed-in client made (its token is stored before a test may fill the disk).
        host.Services.GetRequiredService<MqttConnectionService>().FirstConnection.WaitAsync(Timeout).GetAwaiter().GetResult();
        try
        {
            _ = host.Http;
        }
        catch (IOException)
        {
            // A store that refuses writes from the start (a test of that) has no test account: such a test reads
            // only what needs none (/healthz).
        }

        return host;
    }

    /// <summary>
    /// A client (no automatic redirects unless asked) that sends an API token of <paramref name="userName"/>, an
    /// account made with <paramref name="roles"/> the first time; the token holds the same roles.
    /// </summary>
    public HttpClient ClientAs(string userName, IReadOnlyList<string> roles, bool followRedirects = true)
    {
        var token = Task.Run(() => CreateTokenAsync(userName, roles)).GetAwaiter().GetResult();
        DelegatingHandler[] handlers = followRedirects
            ? [new Microsoft.AspNetCore.Mvc.Testing.Handlers.RedirectHandler(), new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(), new BearerTokenHandler(token)]
            : [new Microsoft.AspNetCore.Mvc.Testing.Handlers.CookieContainerHandler(), new BearerTokenHandler(token)];
        return CreateDefaultClient(new Uri("http://localhost"), handlers);
    }

    /// <summary>An API token of <paramref name="userName"/> (made with <paramref name="roles"/> if new) holding <paramref name="tokenRoles"/> (default: all of them).</summary>
    public async Task<string> CreateTokenAsync(string userName, IReadOnlyList<string> roles, IReadOnlyList<string>? tokenRoles = null, TimeSpan? lifetime = null)
    {
        var accounts = Services.GetRequiredService<AccountDirectory>();
        if (accounts.FindUser(userName) is null)
        {
            var created = await accounts.CreateUserAsync(userName, null, AccountSecrets.NewPassword(), roles);
            Assert.True(created.Value is not null, created.Problem);
        }

        // The longest life a token may have: tests move the fake clock by days.
        var token = await accounts.CreateTokenAsync(userName, "test", tokenRoles ?? roles, lifetime ?? TimeSpan.FromDays(366));
        Assert.True(token.Value is not null, token.Problem);
        return token.Value.Token;
    }

    public async Task<TestNode> ConnectNodeAsync(string nodeId, int bdSeq = 1, string? clientId = null) =>
        await TestNode.ConnectAsync(MqttPort, await EnrolAsync(nodeId), bdSeq, clientId);

    /// <summary>
    /// The credentials of <paramref name="nodeId"/>, enrolled with this Controller by the test token the first time
    /// (a genuine signed request on the enrolment account), so the node's messages are heard.
    /// </summary>
    public async Task<NodeCredentials> EnrolAsync(string nodeId)
    {
        var key = (_settings["Store:DataDirectory"]!, nodeId);
        if (Enrolled.TryGetValue(key, out var known) && Services.GetRequiredService<SmartLoudspeaker.Controller.Identity.EnrolmentService>().IsEnrolled(nodeId))
        {
            return known!;
        }

        var credentials = known ?? NodeCredentials.Create(nodeId);
        await NodeEnrolment.EnrolWithTokenAsync("127.0.0.1", MqttPort, credentials, Token.Token, Timeout);
        Enrolled[key] = credentials;
        return credentials;
    }

    /// <summary>
    /// <paramref name="nodeId"/> enrolled (<see cref="EnrolAsync"/>) and given <paramref name="zones"/> by a technician
    /// (the test token gives only its own zones), so the broker lets it hear those zones' traffic.
    /// </summary>
    public async Task<NodeCredentials> EnrolAsync(string nodeId, IReadOnlyList<string> zones)
    {
        var credentials = await EnrolAsync(nodeId);
        if (!Services.GetRequiredService<BrokerAccountDirectory>().Find(nodeId)!.Zones.SequenceEqual(zones))
        {
            using var assigned = await Http.PutAsJsonAsync($"/api/identities/{nodeId}/zones", new { zones });
            Assert.Equal(HttpStatusCode.OK, assigned.StatusCode);
        }

        return credentials;
    }

    /// <summary>A node connected and born, with the birth ingested.</summary>
    public async Task<TestNode> BornNodeAsync(string nodeId, int bdSeq = 1, int heartbeatSeconds = 10)
    {
        var node = await ConnectNodeAsync(nodeId, bdSeq);
        var ingested = WaitForIngest(result => result.NodeId == nodeId && result.Kind == Protocol.NodeMessageKind.Birth);
        await node.PublishAsync(Protocol.NodeMessageKind.Birth, Wire.Birth(nodeId, bdSeq, heartbeatSeconds));
        Assert.True((await ingested).Accepted);
        return node;
    }

    /// <summary>Completes with the first ingest result matching <paramref name="predicate"/> from now on.</summary>
    public Task<IngestResult> WaitForIngest(Func<IngestResult, bool> predicate)
    {
        var pipeline = Services.GetRequiredService<IngestPipeline>();
        var done = new TaskCompletionSource<IngestResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnHandled(IngestResult result)
        {
            if (predicate(result) && done.TrySetResult(result))
            {
                pipeline.Handled -= OnHandled;
            }
        }

        pipeline.Handled += OnHandled;
        return done.Task.WaitAsync(Timeout);
    }

    /// <summary>Completes with the first publish the broker refuses from now on.</summary>
    public Task<BrokerRefusal> WaitForBrokerRefusal()
    {
        var broker = Services.GetRequiredService<EmbeddedBroker>();
        var done = new TaskCompletionSource<BrokerRefusal>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnRefused(BrokerRefusal refusal)
        {
            if (done.TrySetResult(refusal))
            {
                broker.PublishRefused -= OnRefused;
            }
        }

        broker.PublishRefused += OnRefused;
        return done.Task.WaitAsync(Timeout);
    }

    /// <summary>Advances the fake clock and waits for the liveness sweep that judged the new instant.</summary>
    public async Task AdvanceAndSweepAsync(TimeSpan by)
    {
        var sweeper = Services.GetRequiredService<FleetSweeper>();
        var target = Clock.GetUtcNow() + by;
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSwept(DateTimeOffset at)
        {
            if (at >= target)
            {
                done.TrySetResult();
            }
        }

        sweeper.Swept += OnSwept;
        try
        {
            Clock.Advance(by);
            await done.Task.WaitAsync(Timeout);
        }
        finally
        {
            sweeper.Swept -= OnSwept;
        }
    }

    public async Task<JsonElement> GetNodesAsync() => await Http.GetFromJsonAsync<JsonElement>("/api/nodes");

    public async Task<string> GetNodesTextAsync() => await Http.GetStringAsync("/api/nodes");

    public async Task<JsonElement> GetNodeAsync(string nodeId)
    {
        var response = await Http.GetAsync(new Uri("/api/nodes/" + nodeId, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    public async Task<JsonElement> GetListedNodeAsync(string nodeId)
    {
        foreach (var node in (await GetNodesAsync()).EnumerateArray())
        {
            if (node.GetProperty("id").GetString() == nodeId)
            {
                return node;
            }
        }

        throw new Xunit.Sdk.XunitException($"node {nodeId} is not listed");
    }

    /// <summary>Value of one series in /metrics, e.g. <c>sl_ingest_refused_total{reason="malformed"}</c>; 0 when absent.</summary>
    public async Task<double> MetricAsync(string series)
    {
        var text = await Http.GetStringAsync("/metrics");
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(series + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(series.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return 0;
    }

    /// <summary>Fails when the controller logged an error: bad input must be warnings, never errors.</summary>
    public void AssertNoErrors()
    {
        var errors = Logs.Lines.Where(line => line.Level >= LogLevel.Error).Select(line => $"{line.Category}: {line.Message} {line.Exception}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureServices(services =>
        {
            services.Replace(ServiceDescriptor.Singleton<TimeProvider>(Clock));
            _services?.Invoke(services);
        });
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _http?.Dispose();
        }

        base.Dispose(disposing);
    }
}
