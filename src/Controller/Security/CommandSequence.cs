using System.Globalization;
using System.Text;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// Command sequence numbers that are never issued twice, not across crashes either (docs/security.md, "Replay, across
/// crashes"). Numbers are reserved in blocks: the block's ceiling is written to a small file (temporary file, fsync,
/// rename, fsync of the folder) before any number in it is used, and a restart continues above the reserved ceiling,
/// so a crash can only skip numbers, never repeat one. Every number is also at least the current Unix time in
/// microseconds: a lost, deleted or restored-from-backup file cannot make the Controller go back either, as long as
/// its clock is right. Being time-based also makes the distance between two numbers a duration on the Controller's
/// clock: nodes measure their replay window in it (ten minutes, docs/security.md). Thread-safe.
/// </summary>
internal sealed class CommandSequence
{
    /// <summary>The reservation file's name in the data directory.</summary>
    public const string FileName = "command-seq.reserved";

    private readonly string _path;
    private readonly long _blockSize;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private long _last;
    private long _ceiling;

    /// <summary>Resumes above whatever was reserved in <paramref name="directory"/>.</summary>
    /// <exception cref="InvalidDataException">The reservation file exists but does not hold a number.</exception>
    public CommandSequence(string directory, long blockSize, TimeProvider timeProvider)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(blockSize, 1);
        Directory.CreateDirectory(directory);
        _path = Path.Combine(directory, FileName);
        _blockSize = blockSize;
        _timeProvider = timeProvider;
        _ceiling = ReadCeiling(_path);
        _last = _ceiling;
    }

    /// <summary>The highest number reserved on disk.</summary>
    public long ReservedCeiling
    {
        get
        {
            lock (_gate)
            {
                return _ceiling;
            }
        }
    }

    /// <summary>The next number: above every number issued before (by this or an earlier run) and at least now in microseconds.</summary>
    /// <exception cref="IOException">The reservation could not be made durable; no number is issued.</exception>
    public long Next()
    {
        lock (_gate)
        {
            var candidate = Math.Max(_last + 1, NowMicroseconds());
            if (candidate > _ceiling)
            {
                // Durable before use: if the process dies after this line, the next run starts above the new ceiling.
                var ceiling = candidate + _blockSize - 1;
                DurableFile.Replace(_path, Encoding.ASCII.GetBytes(ceiling.ToString(CultureInfo.InvariantCulture) + "\n"));
                _ceiling = ceiling;
            }

            _last = candidate;
            return candidate;
        }
    }

    private long NowMicroseconds() => (_timeProvider.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;

    private static long ReadCeiling(string path)
    {
        // A leftover temporary file is a reservation that never became durable; none of its numbers were used.
        if (!File.Exists(path))
        {
            return 0;
        }

        var text = File.ReadAllText(path).Trim();
        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ceiling)
            ? ceiling
            : throw new InvalidDataException(
                $"{path} should hold the reserved command sequence ceiling but holds '{text}'. Commands would risk reusing numbers; "
                + "if the Controller's clock is right, delete the file (numbers then continue from the current time in microseconds).");
    }
}
