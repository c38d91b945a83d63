using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// Plays the node's samples on an ALSA device through alsa-lib: mono, 48 kHz, signed 16-bit, blocking writes, so the
/// device's clock paces the writer.
/// </summary>
/// <remarks>
/// <para>
/// Threading: <see cref="WriteAsync"/> completes on the caller's thread; it blocks in <c>snd_pcm_writei</c> while the
/// device's buffer is full (up to the configured latency per call). The playout loop is meant to be a dedicated thread
/// (a long-running task), not the thread pool: blocking pool threads fifty times a second would starve the node's
/// network I/O, and handing each frame to another thread would add a context switch and jitter for nothing.
/// Cancellation is checked between 20 ms chunks, so a cancel takes effect within about one buffer length.
/// </para>
/// <para>
/// Format: 16-bit rather than float because every card, a bare "hw:" device included, takes it, while float needs
/// the plug layer. Samples are clamped to −1…1 (NaN to silence) before conversion: an out-of-range sample must never
/// wrap round into a burst of noise on a horn.
/// </para>
/// <para>
/// Faults: an underrun (-EPIPE) or a suspend (-ESTRPIPE) is recovered with <c>snd_pcm_recover</c> and the write goes on;
/// a second one before any frame goes out throws <see cref="AudioSinkFault.Xrun"/> (the device is restarted: retry at
/// once). A device beyond recovery (-ENODEV, -EBADFD that <c>snd_pcm_prepare</c> cannot clear, a failed resume…)
/// throws <see cref="AudioSinkFault.DeviceGone"/> and is closed; the next <see cref="WriteAsync"/> opens it again, and
/// throws again (DeviceGone while it is absent) until it is back, so the playout loop only has to retry with a pause.
/// </para>
/// </remarks>
internal sealed class AlsaSink : IAudioSink
{
    private const int ChunkFrames = OpusFormat.SamplesPerFrame;

    // Linux errno values; the same on x86-64 and arm64 (both use the generic table for these).
    private const int EINTR = 4;
    private const int EIO = 5;
    private const int ENXIO = 6;
    private const int ENOENT = 2;
    private const int ENODEV = 19;
    private const int EPIPE = 32;
    private const int EBADFD = 77;
    private const int ESTRPIPE = 86;
    private const int ESHUTDOWN = 108;

    private readonly AlsaSinkOptions _options;
    private readonly short[] _chunk = new short[ChunkFrames];
    private readonly Lock _gate = new();

    // Null once the device is gone, until the next write opens it again.
    private AlsaPcmHandle? _pcm;
    private bool _disposed;

    /// <summary>Opens the device at once, so a wrong name or a missing card shows at start.</summary>
    /// <exception cref="AudioSinkException">The device cannot be opened or refuses the format.</exception>
    public AlsaSink(AlsaSinkOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _pcm = Open(options);
    }

    public string Name => _options.Device;

    /// <summary>The open device, null while it is gone; tests reach alsa-lib through it to upset the stream.</summary>
    internal AlsaPcmHandle? Pcm => Volatile.Read(ref _pcm);

    public int Delay
    {
        get
        {
            var pcm = Volatile.Read(ref _pcm);
            if (pcm is null || pcm.IsClosed)
            {
                return 0;
            }

            try
            {
                return AlsaNative.PcmDelay(pcm, out var frames) < 0 ? 0 : (int)Math.Clamp(frames, 0, int.MaxValue);
            }
            catch (ObjectDisposedException)
            {
                return 0;
            }
        }
    }

    public ValueTask WriteAsync(ReadOnlyMemory<float> samples, DateTimeOffset? contentInstant, CancellationToken cancellationToken)
    {
        try
        {
            Write(samples.Span, cancellationToken);
            return ValueTask.CompletedTask;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ValueTask.FromCanceled(cancellationToken);
        }
        catch (Exception exception)
        {
            return ValueTask.FromException(exception);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            _pcm?.Dispose();
            _pcm = null;
        }
    }

    /// <summary>
    /// How a negative alsa-lib return (a negative errno) should be handled: an underrun is retried, a device that is
    /// absent, unplugged, suspended beyond resume or in a state it cannot leave is reopened, anything else is reported.
    /// </summary>
    internal static AudioSinkFault ClassifyError(int error)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(error, 0);
        return -error switch
        {
            EPIPE => AudioSinkFault.Xrun,

            // ENOENT/ENXIO: no such card (yet: a USB DAC late at boot); ENODEV/ESHUTDOWN/EIO: unplugged or driver
            // reset mid-stream; EBADFD: the PCM is in a state prepare cannot clear; ESTRPIPE: a resume that failed.
            ENOENT or ENXIO or ENODEV or ESHUTDOWN or EIO or EBADFD or ESTRPIPE => AudioSinkFault.DeviceGone,
            _ => AudioSinkFault.Failed,
        };
    }

    /// <summary>Clamps to −1…1 (NaN to 0) and scales to 16-bit, symmetric so +1 and −1 are equally loud.</summary>
    internal static void ToPcm16(ReadOnlySpan<float> samples, Span<short> pcm)
    {
        if (pcm.Length < samples.Length)
        {
            throw new ArgumentException("The 16-bit buffer is shorter than the samples.", nameof(pcm));
        }

        for (var index = 0; index < samples.Length; index++)
        {
            var sample = samples[index];
            pcm[index] = float.IsNaN(sample) ? (short)0 : (short)MathF.Round(Math.Clamp(sample, -1f, 1f) * short.MaxValue);
        }
    }

    private static AlsaPcmHandle Open(AlsaSinkOptions options)
    {
        AlsaPcmHandle pcm;
        int result;
        try
        {
            result = AlsaNative.PcmOpen(out pcm, options.Device, AlsaNative.StreamPlayback, AlsaNative.ModeBlocking);
        }
        catch (DllNotFoundException exception)
        {
            throw new AudioSinkException("libasound.so.2 (Debian's libasound2) is not installed: no ALSA playback.", exception);
        }

        if (result < 0)
        {
            pcm.Dispose();
            throw new AudioSinkException(
                ClassifyError(result),
                $"Cannot open ALSA device \"{options.Device}\" for playback: {AlsaNative.Describe(result)}.");
        }

        result = AlsaNative.PcmSetParams(
            pcm,
            AlsaNative.FormatS16LittleEndian,
            AlsaNative.AccessReadWriteInterleaved,
            OpusFormat.Channels,
            OpusFormat.SampleRate,
            softResample: 0,
            (uint)options.Latency.TotalMicroseconds);
        if (result < 0)
        {
            pcm.Dispose();
            throw new AudioSinkException(
                ClassifyError(result),
                $"ALSA device \"{options.Device}\" refuses mono 48 kHz 16-bit with {options.Latency.TotalMilliseconds} ms latency: " +
                $"{AlsaNative.Describe(result)}.");
        }

        return pcm;
    }

    private void Write(ReadOnlySpan<float> samples, CancellationToken cancellationToken)
    {
        var pcm = CurrentOrReopened();
        for (var offset = 0; offset < samples.Length; offset += ChunkFrames)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var count = Math.Min(ChunkFrames, samples.Length - offset);
            ToPcm16(samples.Slice(offset, count), _chunk);
            WriteChunk(pcm, _chunk.AsSpan(0, count));
        }
    }

    private AlsaPcmHandle CurrentOrReopened()
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return _pcm ??= Open(_options);
        }
    }

    private void WriteChunk(AlsaPcmHandle pcm, ReadOnlySpan<short> chunk)
    {
        var written = 0;
        var recoveredWithoutProgress = false;
        while (written < chunk.Length)
        {
            var result = (int)AlsaNative.PcmWriteInterleaved(pcm, chunk[written..], (nuint)(chunk.Length - written));
            if (result >= 0)
            {
                written += result;
                recoveredWithoutProgress = false;
                continue;
            }

            var recovery = Recover(pcm, result);
            if (recovery < 0)
            {
                // A failed recovery from an underrun is still an underrun unless the device itself is gone.
                var fault = ClassifyError(recovery) == AudioSinkFault.DeviceGone ? AudioSinkFault.DeviceGone : ClassifyError(result);
                throw Fault(pcm, fault, $"ALSA device \"{_options.Device}\" failed a write: {AlsaNative.Describe(result)}" +
                    (recovery == result ? "." : $"; recovery failed: {AlsaNative.Describe(recovery)}."));
            }

            if (recoveredWithoutProgress)
            {
                throw Fault(pcm, AudioSinkFault.Xrun, $"ALSA device \"{_options.Device}\" underran again right after a restart: " +
                    $"{AlsaNative.Describe(result)}.");
            }

            recoveredWithoutProgress = true;
        }
    }

    /// <summary>What alsa-lib can do about an error in place: 0 when the write may go on, else why not.</summary>
    private static int Recover(AlsaPcmHandle pcm, int error) => -error switch
    {
        EPIPE or ESTRPIPE or EINTR => AlsaNative.PcmRecover(pcm, error, silent: 1),
        EBADFD => AlsaNative.PcmPrepare(pcm),
        _ => error,
    };

    /// <summary>Closes a device that is gone, so the next write opens it afresh, and builds the exception.</summary>
    private AudioSinkException Fault(AlsaPcmHandle pcm, AudioSinkFault fault, string message)
    {
        if (fault == AudioSinkFault.DeviceGone)
        {
            lock (_gate)
            {
                if (ReferenceEquals(_pcm, pcm))
                {
                    _pcm = null;
                }
            }

            pcm.Dispose();
        }

        return new AudioSinkException(fault, message);
    }
}
