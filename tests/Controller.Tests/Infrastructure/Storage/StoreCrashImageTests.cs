using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Storage;

/// <summary>
/// Crash images: the store's files copied at random points of acknowledged writes, as a crash would leave them, and
/// opened with the real store, which must replay its journal into them without losing an acknowledged write or
/// finding damage. Unlike a close (which drains and folds the journal), this exercises journal replay itself.
/// </summary>
public sealed class StoreCrashImageTests
{
    /// <summary>Crash images in CI; SL_CRASH_IMAGES sets more for a long run (docs/storage.md).</summary>
    private static readonly int Images = Environment.GetEnvironmentVariable("SL_CRASH_IMAGES") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : 60;

    private readonly ITestOutputHelper _output;

    public StoreCrashImageTests(ITestOutputHelper output)
    {
        _output = output;
    }

    [Fact]
    public async Task Crash_images_taken_during_acknowledged_writes_replay_to_every_acknowledged_write_once_replayed_twice_or_over_part_of_the_journal()
    {
        using var data = new TemporaryDirectory();
        var seed = Environment.GetEnvironmentVariable("SL_CRASH_IMAGE_SEED") is { } given ? int.Parse(given, CultureInfo.InvariantCulture) : Random.Shared.Next();
        _output.WriteLine($"seed {seed} (set SL_CRASH_IMAGE_SEED={seed} to repeat the crash points)");
        var started = Stopwatch.GetTimestamp();
        var live = Path.Combine(data.Path, "live");
        var acknowledged = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var disk = new CrashPointDisk(new Random(seed), Images, live, Path.Combine(data.Path, "images"), acknowledged);

        using (var store = Open(live, disk))
        {
            var next = 0;
            var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
            {
                while (!disk.Done.IsCompleted)
                {
                    var id = "ev-" + Interlocked.Increment(ref next).ToString(CultureInfo.InvariantCulture);
                    if (await store.Fleet.TryAddEventAsync(Event(id)))
                    {
                        acknowledged[id] = true;
                    }
                }
            })).ToArray();
            await disk.Done.WaitAsync(TimeSpan.FromMinutes(2));
            await Task.WhenAll(writers).WaitAsync(TimeSpan.FromMinutes(1));
        }

        var images = disk.Taken;
        var cuts = new Random(seed + 1);
        Assert.Equal(Images, images.Count);
        foreach (var image in images)
        {
            // Opened as the crash left it: the journal is replayed into what LiteDB kept.
            AssertComplete(image.Folder, image, seed, "opened once");

            // A crash after replay's checkpoint but before the journal was emptied: the same journal again, over a
            // store that already holds all of it.
            File.Copy(Path.Combine(image.Pristine, Journal), Path.Combine(image.Folder, Journal), overwrite: true);
            AssertComplete(image.Folder, image, seed, "journal replayed twice");

            // A power cut: LiteDB's log lost from a random point on (LiteDB 5.0.20 fsyncs it only at a checkpoint, and
            // within a process the page cache keeps it, so the opens above rarely need the journal). The data file
            // was fsynced at the last checkpoint, and the journal holds every batch since our last fold.
            var cut = image.Folder + "-power-cut";
            CopyFolder(image.Pristine, cut);
            var log = new FileInfo(Path.Combine(cut, "controller-log.db"));
            var kept = log.Exists ? cuts.NextInt64(0, log.Length + 1) : 0;
            if (log.Exists)
            {
                using var file = log.Open(FileMode.Open, FileAccess.Write);
                file.SetLength(kept);
            }

            AssertComplete(cut, image, seed, $"LiteDB's log cut to {kept} bytes");
        }

        // A store holding only part of a journal: LiteDB's files of an earlier image with the journal of a later one
        // taken before the next fold (the journal then still holds every batch since the earlier one's last fold).
        var partial = 0;
        foreach (var epoch in images.GroupBy(image => image.FoldEpoch).Where(group => group.Count() >= 2))
        {
            var earlier = epoch.First();
            var later = epoch.Last();
            var mixed = later.Folder + "-over-" + Path.GetFileName(earlier.Folder);
            Directory.CreateDirectory(mixed);
            CopyLiteDbFiles(earlier.Pristine, mixed);
            File.Copy(Path.Combine(later.Pristine, Journal), Path.Combine(mixed, Journal));
            AssertComplete(mixed, later, seed, $"LiteDB of image {earlier.Number} under the journal of image {later.Number}");
            partial++;
        }

        _output.WriteLine(
            $"{images.Count} crash images ({images.Count(image => image.Point == "emptying")} while the journal was being emptied after a fold, "
            + $"{images.Count(image => image.Point == "append")} before a journal append, {images.Count(image => image.Point == "fsync")} before its fsync), "
            + $"each opened, replayed twice and opened with LiteDB's log cut; {partial} replayed over part of the journal; {acknowledged.Count} writes acknowledged; "
            + $"{Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s");
    }

    private const string Journal = "controller.db.journal";

    private static void AssertComplete(string folder, CrashImage image, int seed, string how)
    {
        using var store = Open(folder, new StoreFileSystem());
        Assert.True(store.Status.Degraded is null, $"image {image.Number} at {image.Point} ({how}, seed {seed}): {store.Status.Degraded}");
        var stored = store.Fleet.EventsAfter("crash-node", 0, int.MaxValue).Select(record => record.Event.Id).ToList();
        Assert.True(stored.Count == stored.Distinct(StringComparer.Ordinal).Count(), $"image {image.Number} ({how}, seed {seed}): an event stored twice");
        var lost = image.AcknowledgedBefore.Except(stored, StringComparer.Ordinal).ToList();
        Assert.True(lost.Count == 0, $"image {image.Number} at {image.Point} ({how}, seed {seed}): {lost.Count} of {image.AcknowledgedBefore.Count} acknowledged events lost, e.g. {string.Join(", ", lost.Take(5))}");
    }

    private static void CopyFolder(string from, string to)
    {
        Directory.CreateDirectory(to);
        foreach (var file in Directory.GetFiles(from))
        {
            File.Copy(file, Path.Combine(to, Path.GetFileName(file)));
        }
    }

    private static void CopyLiteDbFiles(string from, string to)
    {
        foreach (var name in new[] { "controller.db", "controller-log.db" })
        {
            if (File.Exists(Path.Combine(from, name)))
            {
                File.Copy(Path.Combine(from, name), Path.Combine(to, name));
            }
        }
    }

    private static OpenedStore Open(string folder, StoreFileSystem disk) => OpenedStore.Open(
        new StoreOptions
        {
            DataDirectory = folder,
            MinimumFreeBytes = 0,

            // Small, so the journal is folded (checkpoint, then emptied) many times while the images are taken.
            JournalCheckpointBytes = 16 * 1024,
        },
        disk);

    private static EventRecord Event(string id) => new("crash-node", DateTimeOffset.UtcNow, Wire.Event(id));

    /// <summary>One crash image: where it was taken, what had been acknowledged before, and which fold it follows.</summary>
    private sealed record CrashImage(int Number, string Folder, string Pristine, string Point, int FoldEpoch, IReadOnlyCollection<string> AcknowledgedBefore);

    /// <summary>
    /// The store's disk, taking crash images from inside the writer thread at its journal calls: before an append,
    /// before its fsync, and while the journal is emptied after a fold (LiteDB's checkpoint done). The writer is
    /// blocked there, so LiteDB's data file and our journal cannot change during the copy and the image is one instant
    /// of them, as a crash leaves it; LiteDB's log may still grow from its own writer thread (5.0.20 writes it after
    /// <c>Commit</c> returns), which a crash could equally cut anywhere. The data file and log are copied before the
    /// journal.
    /// </summary>
    private sealed class CrashPointDisk(Random random, int images, string live, string imagesFolder, ConcurrentDictionary<string, bool> acknowledged) : StoreFileSystem
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly List<CrashImage> _taken = [];
        private int _foldEpoch;

        public Task Done => _done.Task;

        public IReadOnlyList<CrashImage> Taken => _taken;

        public override Stream OpenJournal(string path) => new CrashPointStream(base.OpenJournal(path), this);

        private void AtJournalCall(string point)
        {
            // Replay at opening (no image yet) and folds that are not imaged still count, to know which images share a journal.
            var emptying = point == "emptying";
            if (_taken.Count < images && (emptying || random.Next(6) == 0))
            {
                Take(point);
            }

            if (emptying)
            {
                _foldEpoch++;
            }
        }

        private void Take(string point)
        {
            // What had been acknowledged before the copy starts; the writer is blocked here, so nothing is acknowledged during it.
            var before = acknowledged.Keys.ToArray();
            var number = _taken.Count;
            var folder = Path.Combine(imagesFolder, number.ToString("D3", CultureInfo.InvariantCulture));
            Directory.CreateDirectory(folder);
            foreach (var name in new[] { "controller.db", "controller-log.db", Journal })
            {
                CopyWhileOpen(Path.Combine(live, name), Path.Combine(folder, name));
            }

            // A second copy kept untouched, for mixing with other images later (opening an image changes it).
            var pristine = folder + "-kept";
            CopyFolder(folder, pristine);
            _taken.Add(new CrashImage(number, folder, pristine, point, _foldEpoch, before));
            if (_taken.Count == images)
            {
                _done.TrySetResult();
            }
        }

        private static void CopyWhileOpen(string from, string to)
        {
            if (!File.Exists(from))
            {
                return;
            }

            using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var target = new FileStream(to, FileMode.CreateNew, FileAccess.Write);
            source.CopyTo(target);
        }

        private sealed class CrashPointStream(Stream inner, CrashPointDisk disk) : DelegatingStream(inner)
        {
            public override void Flush()
            {
                disk.AtJournalCall("fsync");
                if (Inner is FileStream file)
                {
                    file.Flush(flushToDisk: true);
                }
                else
                {
                    Inner.Flush();
                }
            }

            public override void SetLength(long value)
            {
                if (value == 0)
                {
                    disk.AtJournalCall("emptying");
                }

                Inner.SetLength(value);
            }

            public override void Write(byte[] buffer, int offset, int count)
            {
                disk.AtJournalCall("append");
                Inner.Write(buffer, offset, count);
            }
        }
    }
}
