using System.Collections.Concurrent;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.Controller;
using SmartLoudspeaker.TestUtilities;
using SmartLoudspeaker.TestUtilities.Enrolment;
using Xunit.Abstractions;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>
/// The Controller as a real process on one data folder: a second process is refused while the first holds the
/// store, and a Controller stopped at random points (during its start, during acknowledged writes; SIGTERM or SIGKILL)
/// always reopens the store undamaged with every acknowledged write.
/// </summary>
[Trait("Category", "Durability")]
public sealed class ProcessRestartTests : IDisposable
{
    private const string NodeId = "restart-node";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    /// <summary>Restarts in CI; SL_PROCESS_RESTARTS sets more for the long run (docs/storage.md).</summary>
    private static readonly int Restarts = Environment.GetEnvironmentVariable("SL_PROCESS_RESTARTS") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : 10;

    private readonly ITestOutputHelper _output;
    private readonly string _data = Directory.CreateTempSubdirectory("sl-process-restart-").FullName;

    public ProcessRestartTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task A_second_Controller_process_on_the_same_store_exits_at_once_with_code_75_naming_the_holder()
    {
        await using var first = await StartControllerAsync();
        var ports = await first.WaitForBoundPortsAsync(StartTimeout);

        await using var second = await StartControllerAsync();
        await second.WaitForExitAsync(StartTimeout);

        Assert.True(second.ExitCode == ControllerExitCodes.StoreInUse, $"exit code {second.ExitCode}:\n{second.RecentOutput}");
        Assert.Contains($"is in use by another Controller (process {first.Id} on {Environment.MachineName}, holding it since", second.RecentOutput, StringComparison.Ordinal);
        Assert.False(first.HasExited);
        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{ports.Http}"), Timeout = StartTimeout };
        Assert.True((await http.GetAsync(new Uri("/healthz", UriKind.Relative))).IsSuccessStatusCode, "the first Controller is unaffected");
    }

    [Fact]
    public async Task A_Controller_stopped_or_killed_at_random_points_always_reopens_its_store_undamaged_with_every_acknowledged_event()
    {
        var seed = Environment.GetEnvironmentVariable("SL_RESTART_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        _output.WriteLine($"seed {seed} (set SL_RESTART_SEED={seed} to repeat the stop points)");
        var random = new Random(seed);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);

        for (var round = 0; round < Restarts; round++)
        {
            var duringStart = random.Next(4) == 0;
            var kill = random.Next(2) == 0;
            var after = TimeSpan.FromMilliseconds(random.Next(0, duringStart ? 1500 : 800));
            // Ports of the OS's choosing at every start: a port kept across restarts could be taken by a test running
            // in parallel between a kill and the next start.
            await using var controller = await StartControllerAsync();
            if (duringStart)
            {
                await Task.Delay(after);
                await StopAsync(controller, kill);
            }
            else
            {
                // Stopped while the node keeps events in flight: mid-batch, mid-journal, between a store and its ack.
                var ports = await controller.WaitForBoundPortsAsync(StartTimeout);
                await using var node = await SendingNode.ConnectAsync(ports.Mqtt, NodeId, acknowledged, StartTimeout, controller);
                await node.WaitForFirstAckAsync(StartTimeout);
                await Task.Delay(after);
                await StopAsync(controller, kill);
            }

            _output.WriteLine($"round {round}: {(kill ? "SIGKILL" : "SIGTERM")} {(duringStart ? "during start" : "during writes")} after {after.TotalMilliseconds} ms; {acknowledged.Count} acknowledged so far");
            Assert.DoesNotContain("is damaged", controller.RecentOutput, StringComparison.Ordinal);
            if (!kill && controller.RecentOutput.Contains("Store: ", StringComparison.Ordinal))
            {
                // Stopped politely once the store was open, even mid-start: closed, journal folded, LiteDB's log gone.
                Assert.True(controller.RecentOutput.Contains("Store closed: ", StringComparison.Ordinal), $"round {round} (seed {seed}): opened, never closed:\n{controller.RecentOutput}");
                Assert.Equal(0, new FileInfo(Path.Combine(_data, "controller.db.journal")).Length);
                Assert.False(File.Exists(Path.Combine(_data, "controller-log.db")), $"round {round} (seed {seed}): LiteDB's log left behind");
            }
        }

        await using var last = await StartControllerAsync();
        var lastPorts = await last.WaitForBoundPortsAsync(StartTimeout);
        using var http = (await ControllerAccount.ForStoreAsync(_data)).Client(new Uri($"http://127.0.0.1:{lastPorts.Http}"), StartTimeout);
        var health = await http.GetFromJsonAsync<JsonElement>("/healthz");
        Assert.True(!health.TryGetProperty("storeDegraded", out var degraded) || degraded.ValueKind == JsonValueKind.Null, $"store degraded: {degraded} (seed {seed})");
        var stored = await ReadAllEventIdsAsync(http);
        Assert.Equal(stored.Count, stored.Distinct(StringComparer.Ordinal).Count());
        var lost = acknowledged.Keys.Except(stored, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events are not stored, e.g. {string.Join(", ", lost.Take(5))} (seed {seed})");
        _output.WriteLine($"{Restarts} restarts, {acknowledged.Count} acknowledged, {stored.Count} stored, none lost");
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

    private static async Task StopAsync(ProgramProcess controller, bool kill)
    {
        if (kill)
        {
            await controller.KillAsync();
        }
        else
        {
            await controller.StopAsync(StartTimeout);
        }
    }

    private static async Task<List<string>> ReadAllEventIdsAsync(HttpClient http)
    {
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

    private async Task<ProgramProcess> StartControllerAsync()
    {
        await ControllerAccount.ForStoreAsync(_data);
        return ControllerProgram.Start(
            [
                .. ControllerProgram.AnyFreePorts,
                $"--Store:DataDirectory={_data}",
                "--Logging:LogLevel:Default=Warning",
                .. BootstrapToken.Arguments(BootstrapToken.ForTests.ControllerSettings()),
                "--Logging:LogLevel:SmartLoudspeaker.Controller.Infrastructure.Storage=Information",
            ]);
    }
}
