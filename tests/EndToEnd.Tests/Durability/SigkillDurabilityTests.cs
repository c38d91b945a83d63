using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;
using Xunit.Abstractions;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>
/// The Controller as a real process, killed with SIGKILL at random moments while a node sends events as fast as the
/// acknowledgements allow: every event the Controller acknowledged must be stored after the restarts, once.
/// </summary>
[Trait("Category", "Durability")]
public sealed class SigkillDurabilityTests : IDisposable
{
    private const string NodeId = "durability-node";
    private const int Rounds = 12;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _data = Path.Combine(Path.GetTempPath(), "sl-durability-" + Guid.NewGuid().ToString("N"));
    private readonly int _httpPort = FreePort.Next();
    private readonly int _mqttPort = FreePort.Next();

    public SigkillDurabilityTests(ITestOutputHelper output)
    {
        _output = output;
        Directory.CreateDirectory(_data);
    }

    [Fact]
    public async Task Every_acknowledged_event_survives_repeated_SIGKILLs_and_is_stored_once()
    {
        var seed = Environment.GetEnvironmentVariable("SL_DURABILITY_SEED") is { } given
            ? int.Parse(given, CultureInfo.InvariantCulture)
            : Random.Shared.Next();
        _output.WriteLine($"seed {seed} (set SL_DURABILITY_SEED={seed} to repeat the kill points)");
        var random = new Random(seed);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        for (var round = 0; round < Rounds; round++)
        {
            await using var controller = await StartControllerAsync();
            await using var node = await SendingNode.ConnectAsync(_mqttPort, NodeId, acknowledged, StartTimeout, controller);
            await node.WaitForFirstAckAsync(StartTimeout);

            // The kill lands anywhere: mid-batch, mid-fsync, between a store and its acknowledgement.
            var killAfter = TimeSpan.FromMilliseconds(random.Next(50, 1500));
            await Task.Delay(killAfter);
            await controller.KillAsync();
            _output.WriteLine($"round {round}: killed after {killAfter.TotalMilliseconds} ms; {acknowledged.Count} acknowledged so far");
        }

        await using var last = await StartControllerAsync();
        await using (var node = await SendingNode.ConnectAsync(_mqttPort, NodeId, acknowledged, StartTimeout, last, sendEvents: false))
        {
            // Connected and born: the controller is up and its API serves the store.
        }

        var stored = await ReadAllEventIdsAsync();
        var duplicates = stored.GroupBy(id => id, StringComparer.Ordinal).Where(group => group.Count() > 1).Select(group => group.Key).ToList();
        Assert.True(duplicates.Count == 0, $"stored twice: {string.Join(", ", duplicates.Take(10))} (seed {seed})");
        var lost = acknowledged.Keys.Except(stored, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events are not stored, e.g. {string.Join(", ", lost.Take(5))} (seed {seed})");
        Assert.True(acknowledged.Count >= Rounds * 10, $"only {acknowledged.Count} events were acknowledged in {Rounds} rounds: the test proved little (seed {seed})");
        _output.WriteLine($"{acknowledged.Count} acknowledged, {stored.Count} stored, none lost");
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_data, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temporary folder is harmless.
        }
    }

    private async Task<ProgramProcess> StartControllerAsync()
    {
        await ControllerAccount.ForStoreAsync(_data);
        return ControllerProgram.Start(
            [
                $"--Urls=http://127.0.0.1:{_httpPort}",
                $"--Broker:Port={_mqttPort}",
                "--Broker:BindAddress=127.0.0.1",
                "--Broker:Tls:Port=0",
                $"--Store:DataDirectory={_data}",
                "--Logging:LogLevel:Default=Warning",
                .. BootstrapToken.Arguments(BootstrapToken.ForTests.ControllerSettings()),
            ]);
    }

    private async Task<List<string>> ReadAllEventIdsAsync()
    {
        using var http = (await ControllerAccount.ForStoreAsync(_data)).Client(new Uri($"http://127.0.0.1:{_httpPort}"), TimeSpan.FromSeconds(30));
        var ids = new List<string>();
        long after = 0;
        while (true)
        {
            var page = await http.GetFromJsonAsync<JsonElement>($"/api/nodes/{NodeId}/events?after={after}&limit=1000");
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                return ids;
            }

            after = page.GetProperty("next").GetInt64();
        }
    }
}
