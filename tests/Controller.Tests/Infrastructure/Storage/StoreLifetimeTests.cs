using System.Collections.Concurrent;
using System.Globalization;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Storage;

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
            Assert.True(await first.Fleet.TryAddEventAsync(Event("after-refusal")));
        }

        // Once the first has closed, the next opener gets the store, and the write made after the refusal.
        using var next = Open(data.Path, clock);
        Assert.Equal(["after-refusal"], next.Fleet.RecentEvents("lifetime-node", 10).Select(record => record.Event.Id));
        Assert.Null(next.Status.Degraded);
    }

    [Fact]
    public void A_lock_file_this_user_may_not_open_is_refused_with_a_message_naming_it_and_nothing_is_opened()
    {
        using var data = new TemporaryDirectory();
        var lockPath = Path.Combine(data.Path, "controller.db.lock");
        MakeUnopenable(lockPath);

        var refusal = Assert.Throws<StoreAccessDeniedException>(() => Open(data.Path, TimeProvider.System).Dispose());
        Assert.Equal(lockPath, refusal.File);
        Assert.Contains($"may not open {lockPath}", refusal.Message, StringComparison.Ordinal);
        Assert.Contains("chown", refusal.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(data.Path, "controller.db")), "LiteDB was not opened");
    }

    [Fact]
    public void A_holder_file_this_user_may_not_replace_is_refused_with_a_message_naming_it_and_the_lock_is_released()
    {
        using var data = new TemporaryDirectory();
        var holderPath = Path.Combine(data.Path, "controller.db.holder");
        MakeUnopenable(holderPath + ".tmp");

        var refusal = Assert.Throws<StoreAccessDeniedException>(() => Open(data.Path, TimeProvider.System).Dispose());
        Assert.Equal(holderPath, refusal.File);
        Assert.False(File.Exists(Path.Combine(data.Path, "controller.db")), "LiteDB was not opened");

        // The refused opener let the lock go: once the folder is put right, the store opens.
        Directory.Delete(holderPath + ".tmp");
        using var store = Open(data.Path, TimeProvider.System);
        Assert.Null(store.Status.Degraded);
    }

    [Fact]
    public void A_journal_this_user_may_not_open_is_refused_with_a_message_naming_it_and_the_lock_is_released()
    {
        using var data = new TemporaryDirectory();
        var journalPath = Path.Combine(data.Path, "controller.db.journal");
        MakeUnopenable(journalPath);

        var refusal = Assert.Throws<StoreAccessDeniedException>(() => Open(data.Path, TimeProvider.System).Dispose());
        Assert.Equal(journalPath, refusal.File);
        Directory.Delete(journalPath);
        using var store = Open(data.Path, TimeProvider.System);
        Assert.Null(store.Status.Degraded);
    }

    [Fact]
    public void A_holder_description_this_user_may_not_read_still_gives_the_in_use_refusal_and_the_holder_closes_cleanly()
    {
        using var data = new TemporaryDirectory();
        var holderPath = Path.Combine(data.Path, "controller.db.holder");
        var first = Open(data.Path, TimeProvider.System);
        File.Delete(holderPath);
        MakeUnopenable(holderPath);

        var refusal = Assert.Throws<StoreInUseException>(() => Open(data.Path, TimeProvider.System).Dispose());
        Assert.Contains($"holder unknown: this user may not read {holderPath}", refusal.Message, StringComparison.Ordinal);
        Assert.Null(Record.Exception(first.Dispose));
        Directory.Delete(holderPath);
        Assert.Null(Record.Exception(() => Open(data.Path, TimeProvider.System).Dispose()));
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
                        if (await store.Fleet.TryAddEventAsync(Event(id)))
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
        var stored = last.Fleet.EventsAfter("lifetime-node", 0, int.MaxValue).Select(record => record.Event.Id).ToList();
        Assert.Equal(stored.Count, stored.Distinct(StringComparer.Ordinal).Count());
        var lost = acknowledged.Keys.Except(stored, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {acknowledged.Count} acknowledged events lost, e.g. {string.Join(", ", lost.Take(5))} (seed {seed})");
        _output.WriteLine($"{Restarts} restarts, {acknowledged.Count} acknowledged, all stored once");
    }

    /// <summary>
    /// Puts something this user may not open as a file at <paramref name="path"/>. Tests run as root in CI, where no
    /// owner or mode refuses an open, so a directory stands in for another user's file: opening it as a file fails
    /// with the same <see cref="UnauthorizedAccessException"/> that a file of another user gives an unprivileged one.
    /// </summary>
    private static void MakeUnopenable(string path) => Directory.CreateDirectory(path);

    private static OpenedStore Open(string folder, TimeProvider timeProvider) =>
        OpenedStore.Open(new StoreOptions { DataDirectory = folder, MinimumFreeBytes = 0 }, timeProvider: timeProvider);

    private static EventRecord Event(string id) => new("lifetime-node", DateTimeOffset.UtcNow, Wire.Event(id));
}
