using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Metrics;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Controller.Store;
using SmartLoudspeaker.Controller.Tests.Support;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>One opener at a time, and a store closed at any moment of its writes opens clean with every acknowledged write.</summary>
public sealed class StoreLifetimeTests
{
    /// <summary>Restarts of the in-process loop; SL_STORE_RESTARTS sets more for a long run (docs/storage.md).</summary>
    private static readonly int Restarts = Environment.GetEnvironmentVariable("SL_STORE_RESTARTS") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : 30;

    private readonly ITestOutputHelper _output;

    public StoreLifetimeTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task A_second_opener_in_the_same_process_is_refused_at_once_naming_the_holder_and_the_first_keeps_working()
    {
        using var data = new TemporaryDirectory();
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));
        using (var first = Open(data.Path, clock))
        {
            var refusal = Assert.Throws<StoreInUseException>(() => Open(data.Path, clock).Dispose());
            Assert.Contains(Path.Combine(data.Path, "controller.db"), refusal.Message, StringComparison.Ordinal);
            Assert.Contains($"process {Environment.ProcessId} on {Environment.MachineName}, holding it since 2026-12-02T06:00:00Z", refusal.Message, StringComparison.Ordinal);
            Assert.True(await first.TryAddEventAsync(Event("after-refusal")));
        }

        // Once the first has closed, the next opener gets the store, and the write made after the refusal.
        using var next = Open(data.Path, clock);
        Assert.Equal(["after-refusal"], next.RecentEvents("lifetime-node", 10).Select(record => record.Event.Id));
        Assert.Null(next.Status.Degraded);
    }

    [Fact]
    public async Task A_store_closed_at_random_points_during_acknowledged_writes_reopens_clean_with_every_one_of_them()
    {
        using var data = new TemporaryDirectory();
        var seed = Environment.GetEnvironmentVariable("SL_STORE_RESTART_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        _output.WriteLine($"seed {seed} (set SL_STORE_RESTART_SEED={seed} to repeat the close points)");
        var random = new Random(seed);
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var next = 0;
        for (var restart = 0; restart < Restarts; restart++)
        {
            var store = Open(data.Path, TimeProvider.System);
            Assert.True(store.Status.Degraded is null, $"restart {restart} (seed {seed}): {store.Status.Degraded}");
            var closeAfter = acknowledged.Count + random.Next(0, 20);
            var closeNow = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (true)
                {
                    var id = "ev-" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
                    try
                    {
                        if (await store.TryAddEventAsync(Event(id)))
                        {
                            acknowledged[id] = true;
                        }
                    }
                    catch (ObjectDisposedException)
                    {
                        return; // Refused while closing: never acknowledged.
                    }

                    if (acknowledged.Count >= closeAfter)
                    {
                        closeNow.TrySetResult();
                    }
                }
            })).ToArray();

            // Closed by another thread while the writers keep writing: some writes are mid-batch or mid-journal.
            await closeNow.Task.WaitAsync(TimeSpan.FromMinutes(1));
            store.Dispose();
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(1));
        }

        using var last = Open(data.Path, TimeProvider.System);
        Assert.Null(last.Status.Degraded);
        var stored = last.EventsAfter("lifetime-node", 0, int.MaxValue).Select(record => record.Event.Id).ToList();
        Assert.Equal(stored.Count, stored.Distinct(StringComparer.Ordinal).Count());
        var lost = acknowledged.Keys.Except(stored, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events lost, e.g. {string.Join(", ", lost.Take(5))} (seed {seed})");
        _output.WriteLine($"{Restarts} restarts, {acknowledged.Count} acknowledged, all stored once");
    }

    private static LiteDbFleetStore Open(string folder, TimeProvider timeProvider) => new(
        Microsoft.Extensions.Options.Options.Create(new StoreOptions { DataDirectory = folder, MinimumFreeBytes = 0 }),
        new StoreFileSystem(),
        new ControllerMetrics(),
        timeProvider,
        NullLogger<LiteDbFleetStore>.Instance);

    private static EventRecord Event(string id) => new("lifetime-node", DateTimeOffset.UtcNow, Wire.Event(id));
}
