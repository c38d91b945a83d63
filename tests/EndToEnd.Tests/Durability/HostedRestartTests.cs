using System.Collections.Concurrent;
using System.Globalization;
using Xunit.Abstractions;

namespace SmartLoudspeaker.EndToEnd.Tests.Durability;

/// <summary>
/// The Controller hosted in the test process and restarted on one data folder, as <c>FleetScenarios</c> does: when its
/// disposal returns, its store must be closed, or the next Controller opens files the first is still writing.
/// </summary>
[Trait("Category", "Durability")]
public sealed class HostedRestartTests : IDisposable
{
    private const int Restarts = 12;
    private const string NodeId = "hosted-node";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private readonly ITestOutputHelper _output;
    private readonly string _data = Directory.CreateTempSubdirectory("sl-hosted-restart-").FullName;

    public HostedRestartTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task A_hosted_controller_has_closed_its_store_when_its_disposal_returns()
    {
        var seed = Environment.GetEnvironmentVariable("SL_RESTART_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        _output.WriteLine($"seed {seed} (set SL_RESTART_SEED={seed} to repeat)");
        var random = new Random(seed);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        for (var restart = 0; restart < Restarts; restart++)
        {
            var controller = ControllerUnderTest.WithEmbeddedBroker(_data);
            await using (var node = await SendingNode.ConnectAsync(controller.MqttPort, NodeId, acknowledged, StartTimeout, controller: null))
            {
                // Stopped at a random moment while events are in flight: mid-batch, mid-journal, between store and ack.
                await node.WaitForFirstAckAsync(StartTimeout);
                await Task.Delay(random.Next(0, 400));
                await controller.DisposeAsync();
            }

            // The Linux view of this process's open files: nothing in the data folder may still be open.
            var open = new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos()
                .Select(descriptor => descriptor.LinkTarget)
                .Where(target => target is not null && target.StartsWith(_data, StringComparison.Ordinal))
                .ToList();
            Assert.True(open.Count == 0, $"restart {restart} (seed {seed}): still open after DisposeAsync returned: {string.Join(", ", open)}");
        }

        await using var last = ControllerUnderTest.WithEmbeddedBroker(_data);
        var stored = await last.EventIdsAsync(NodeId);
        var lost = acknowledged.Keys.Except(stored, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events are not stored (seed {seed})");
        Assert.Equal(stored.Count, stored.Distinct(StringComparer.Ordinal).Count());
        Assert.Null(await last.StoreDegradedAsync());
        _output.WriteLine($"{Restarts} restarts, {acknowledged.Count} acknowledged events, all stored once");
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
}
