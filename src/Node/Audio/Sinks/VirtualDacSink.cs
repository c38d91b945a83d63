using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using NAudio.Wave;
using SmartLoudspeaker.Node.Audio.Opus;
using SmartLoudspeaker.Node.Simulation;

namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// A DAC in simulation: it takes samples at 48 kHz of the simulated node's own clock (a real DAC's crystal is the
/// board's), holds a bounded buffer and makes the writer wait while it is full, exactly as the ALSA sink paces the
/// playout loop on a Pi. Unlike a real one it knows when each sample came out in TRUE time
/// (<see cref="SimulatedNodeClock.ToTrueTime"/>), and records it beside the content instant the sample stands for:
/// comparing nodes there is how synchronised-playout skew is measured.
/// </summary>
/// <remarks>
/// Model: while playing, samples consumed = (node now − playback start) × 48 kHz; <see cref="Delay"/> is written −
/// consumed. When consumed has caught up with written the device underran: it is silent (Delay 0) and the next write
/// starts playback again at that write's node time. It also writes everything it was given to a mono float WAV file
/// and a timing log (<c>sampleIndex,contentInstantUtc,trueEmitUtc</c>, one line per write with a content instant),
/// both flushed on <see cref="Dispose"/>. One writer at a time, as <see cref="IAudioSink"/> says; the readers
/// (<see cref="Marks"/>, <see cref="TrueEmitTimeOf"/>) may run on any thread.
/// </remarks>
internal sealed class VirtualDacSink : IAudioSink
{
    private const int SampleRate = OpusFormat.SampleRate;

    private readonly SimulatedNodeClock _clock;
    private readonly int _capacity;
    private readonly Lock _gate = new();
    private readonly List<VirtualDacMark> _marks = [];

    /// <summary>Indices in <see cref="_marks"/> of the marks with a content instant, in the order written.</summary>
    private readonly List<int> _timedMarks = [];

    private readonly WaveFileWriter? _wav;
    private readonly StreamWriter? _timingLog;

    /// <summary>While true, content instants have only gone forward, so a lookup can binary-search.</summary>
    private bool _contentAscending = true;

    /// <summary>The last mark belongs to the current playback run, so silence written now may extend it.</summary>
    private bool _lastMarkInRun;

    private bool _playing;
    private DateTimeOffset _playStartNode;
    private long _runWritten;
    private long _totalWritten;
    private int _underruns;
    private bool _disposed;

    /// <summary>A virtual DAC on <paramref name="nodeClock"/>; creates its files at once when a folder is given.</summary>
    /// <exception cref="ArgumentException">The options are not usable (<see cref="VirtualDacOptions.Validate"/>).</exception>
    public VirtualDacSink(VirtualDacOptions options, SimulatedNodeClock nodeClock)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(nodeClock);
        if (options.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(options));
        }

        _clock = nodeClock;
        _capacity = options.BufferCapacitySamples;
        if (options.OutputFolder is { } folder)
        {
            Directory.CreateDirectory(folder);
            WavPath = Path.Combine(folder, options.NodeId + ".wav");
            TimingLogPath = Path.Combine(folder, options.NodeId + ".timing.csv");
            _wav = new WaveFileWriter(WavPath, WaveFormat.CreateIeeeFloatWaveFormat(SampleRate, OpusFormat.Channels));
            try
            {
                _timingLog = new StreamWriter(TimingLogPath, append: false, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
                _timingLog.WriteLine("sampleIndex,contentInstantUtc,trueEmitUtc");
            }
            catch
            {
                _wav.Dispose();
                throw;
            }
        }
    }

    /// <inheritdoc />
    public string Name => "virtual";

    /// <summary>The WAV file of everything written, or null when recording in memory only.</summary>
    public string? WavPath { get; }

    /// <summary>The timing log, or null when recording in memory only.</summary>
    public string? TimingLogPath { get; }

    /// <summary>Buffer capacity in samples.</summary>
    public int Capacity => _capacity;

    /// <summary>How many times the buffer ran dry between writes and playback had to start again.</summary>
    public int Underruns
    {
        get
        {
            lock (_gate)
            {
                return _underruns;
            }
        }
    }

    /// <summary>Every sample ever written (the WAV file's length in samples).</summary>
    public long WrittenSamples
    {
        get
        {
            lock (_gate)
            {
                return _totalWritten;
            }
        }
    }

    /// <summary>
    /// A snapshot of the marks so far: one per timed write (two when playback restarted in the middle of one), and one
    /// per stretch of silence within a playback run.
    /// </summary>
    public IReadOnlyList<VirtualDacMark> Marks
    {
        get
        {
            lock (_gate)
            {
                return _marks.ToArray();
            }
        }
    }

    /// <inheritdoc />
    public int Delay
    {
        get
        {
            lock (_gate)
            {
                if (!_playing)
                {
                    return 0;
                }

                return (int)Math.Max(0, _runWritten - Consumed(_clock.GetUtcNow()));
            }
        }
    }

    /// <summary>
    /// Takes what fits in the buffer at once and waits, on the node's clock, for room for the rest (a whole buffer's
    /// worth at most), so the caller is paced by the DAC's crystal. Cancelled while waiting, the samples already taken
    /// stay taken, as on a device.
    /// </summary>
    public async ValueTask WriteAsync(ReadOnlyMemory<float> samples, DateTimeOffset? contentInstant, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        cancellationToken.ThrowIfCancellationRequested();
        var done = 0;
        var markIndex = -1;
        while (done < samples.Length)
        {
            TimeSpan wait;
            lock (_gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                var now = _clock.GetUtcNow();
                var consumed = _playing ? Consumed(now) : 0;
                if (!_playing || consumed >= _runWritten)
                {
                    if (_playing)
                    {
                        _underruns++;
                    }

                    _playing = true;
                    _playStartNode = now;
                    _runWritten = 0;
                    consumed = 0;

                    // The rest of this write comes out from now on, not where the earlier part's mark says.
                    markIndex = -1;
                    _lastMarkInRun = false;
                }

                var room = _capacity - (_runWritten - consumed);
                var remaining = samples.Length - done;
                if (room > 0)
                {
                    var taken = (int)Math.Min(room, remaining);
                    Append(samples.Span.Slice(done, taken), contentInstant, done, ref markIndex);
                    done += taken;
                    continue;
                }

                var consumedWanted = _runWritten - _capacity + Math.Min(remaining, _capacity);
                var due = _playStartNode + TimeSpan.FromTicks(CeilingTicksOf(consumedWanted));

                // Rounded up to whole milliseconds: Task.Delay on a TimeProvider truncates to milliseconds, so a wait
                // under 1 ms would complete at once without the clock moving, and the loop would spin for ever.
                wait = TimeSpan.FromMilliseconds(Math.Max(1, Math.Ceiling((due - now).TotalMilliseconds)));
            }

            await Task.Delay(wait, _clock, cancellationToken);
        }
    }

    /// <summary>
    /// When the sample standing for <paramref name="contentInstant"/> came out, in true time: the mark whose content
    /// covers it, interpolated at 48 kHz (content samples are 1/48000 s apart, and so are their emissions on the DAC's
    /// clock). Null when no write covered it (dropped, or not played yet); when content was played twice, the first time.
    /// </summary>
    public DateTimeOffset? TrueEmitTimeOf(DateTimeOffset contentInstant)
    {
        lock (_gate)
        {
            if (_contentAscending)
            {
                var found = LastTimedMarkStartingAtOrBefore(contentInstant);
                while (found > 0 && Covers(_marks[_timedMarks[found - 1]], contentInstant))
                {
                    found--;
                }

                return found >= 0 ? EmitTimeWithin(_marks[_timedMarks[found]], contentInstant) : null;
            }

            foreach (var index in _timedMarks)
            {
                if (EmitTimeWithin(_marks[index], contentInstant) is { } emitted)
                {
                    return emitted;
                }
            }

            return null;
        }
    }

    /// <summary>Flushes and closes the WAV file (its header gets the final length) and the timing log.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timingLog?.Dispose();
            _wav?.Dispose();
        }
    }

    private static long CeilingTicksOf(long sampleCount) =>
        (long)((((Int128)sampleCount * TimeSpan.TicksPerSecond) + SampleRate - 1) / SampleRate);

    private static TimeSpan DurationOf(long sampleCount) =>
        TimeSpan.FromTicks((long)((((Int128)sampleCount * TimeSpan.TicksPerSecond) + (SampleRate / 2)) / SampleRate));

    private static bool Covers(VirtualDacMark mark, DateTimeOffset contentInstant)
    {
        if (mark.ContentInstant is not { } start || contentInstant < start)
        {
            return false;
        }

        return (Int128)(contentInstant - start).Ticks * SampleRate < (Int128)mark.SampleCount * TimeSpan.TicksPerSecond;
    }

    /// <summary>Samples the device has played since playback started; the caller holds the gate.</summary>
    private long Consumed(DateTimeOffset nodeNow)
    {
        var elapsed = (nodeNow - _playStartNode).Ticks;
        return elapsed <= 0 ? 0 : (long)((Int128)elapsed * SampleRate / TimeSpan.TicksPerSecond);
    }

    private DateTimeOffset? EmitTimeWithin(VirtualDacMark mark, DateTimeOffset contentInstant) =>
        Covers(mark, contentInstant)
            ? _clock.ToTrueTime(mark.NodeEmitTime + (contentInstant - mark.ContentInstant!.Value))
            : null;

    /// <summary>Binary search over the timed marks (content ascending); −1 when all start after the instant.</summary>
    private int LastTimedMarkStartingAtOrBefore(DateTimeOffset contentInstant)
    {
        int low = 0, high = _timedMarks.Count - 1, found = -1;
        while (low <= high)
        {
            var middle = low + ((high - low) / 2);
            if (_marks[_timedMarks[middle]].ContentInstant <= contentInstant)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return found;
    }

    /// <summary>
    /// Puts samples in the buffer (and the WAV file) and extends the write's mark, or starts one; the caller holds the
    /// gate. <paramref name="offsetInWrite"/> advances the content instant when a restart splits a write.
    /// </summary>
    private void Append(ReadOnlySpan<float> samples, DateTimeOffset? contentInstant, int offsetInWrite, ref int markIndex)
    {
        if (markIndex >= 0)
        {
            _marks[markIndex] = _marks[markIndex] with { SampleCount = _marks[markIndex].SampleCount + samples.Length };
        }
        else if (contentInstant is null && _lastMarkInRun && _marks[^1].ContentInstant is null)
        {
            // Silence after silence in one run is one mark: an idle node writes 100 blocks a second all day long, and a
            // mark each would grow without bound.
            markIndex = _marks.Count - 1;
            _marks[markIndex] = _marks[markIndex] with { SampleCount = _marks[markIndex].SampleCount + samples.Length };
        }
        else
        {
            var nodeEmit = _playStartNode + DurationOf(_runWritten);
            var content = contentInstant + DurationOf(offsetInWrite);
            var mark = new VirtualDacMark(_totalWritten, samples.Length, content, nodeEmit, _clock.ToTrueTime(nodeEmit));
            _marks.Add(mark);
            markIndex = _marks.Count - 1;
            if (content is { } instant)
            {
                if (_timedMarks.Count > 0 && _marks[_timedMarks[^1]].ContentInstant > instant)
                {
                    _contentAscending = false;
                }

                _timedMarks.Add(markIndex);
                _timingLog?.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{mark.SampleIndex},{instant.ToUniversalTime():O},{mark.TrueEmitTime.ToUniversalTime():O}"));
            }
        }

        _lastMarkInRun = true;
        _wav?.Write(MemoryMarshal.AsBytes(samples));
        _runWritten += samples.Length;
        _totalWritten += samples.Length;
    }
}
