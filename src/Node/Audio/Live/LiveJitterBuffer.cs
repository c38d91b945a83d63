using SmartLoudspeaker.Node.Audio.Opus;

namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// The node's end of a live stream: takes 20 ms Opus frames in whatever order and multiplicity the network delivers
/// them, and renders samples for the Controller timeline, so every node plays the frame stamped T at T + delay.
/// </summary>
/// <remarks>
/// <para>
/// Timeline mapping: <see cref="Render"/>'s position is the play time — the Controller-timeline sample (48 kHz since
/// the Unix epoch) at which <c>output[0]</c> is to come out. <c>output[k]</c> is the content of timeline sample
/// <c>position + k − delay</c>. The playout loop adds its sink's <c>Delay</c> to "now" to get that position. The decoded
/// sound itself lags the content by the codec's algorithmic delay (<see cref="CodecDelaySamples"/>, 6.5 ms for the
/// VOIP encoder): the encoder's look-ahead, the same on every node, so it does not disturb synchrony and is not
/// corrected here.
/// </para>
/// <para>
/// Frames are keyed by their timeline sample on one grid of 960 samples whose origin is the earliest frame accepted, in
/// whatever order they arrive (it no longer moves once a slot has played).
/// A missing frame is rebuilt from the next frame's in-band FEC when that frame is already buffered, otherwise
/// concealed by Opus; after <see cref="ConcealedFramesBeforeFade"/> concealed frames (100 ms) the next is faded
/// out over one frame and silence follows, because Opus's concealment of a long gap turns into a drone. The first
/// frame after such silence fades in, so a decoder whose state is stale cannot click. An undecodable frame counts as
/// missing. The stream ends once no frame has been heard for <see cref="LiveStreamOptions.EndAfterSilence"/> of
/// timeline past the last frame's end (or past the first render, if no frame ever came).
/// </para>
/// <para>
/// Thread-safe: the network receiver calls <see cref="Accept"/> while the playout loop calls <see cref="Render"/>.
/// </para>
/// </remarks>
internal sealed class LiveJitterBuffer : IDisposable
{
    /// <summary>Concealment bridges up to 100 ms; longer gaps fade to silence.</summary>
    public const int ConcealedFramesBeforeFade = 5;

    /// <summary>
    /// The Opus VOIP encoder's algorithmic delay at 48 kHz (libopus <c>OPUS_GET_LOOKAHEAD</c>: 2.5 ms of CELT
    /// look-ahead plus 4 ms of delay compensation): decoded sound lags its timeline by this much.
    /// </summary>
    public const int CodecDelaySamples = 312;

    private const int FrameSamples = OpusFormat.SamplesPerFrame;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, byte[]> _frames = [];
    private readonly OpusFrameDecoder _decoder;
    private readonly long _delay;
    private readonly long _horizon;
    private readonly long _endAfterSilence;
    private readonly float[] _current = new float[FrameSamples];
    private readonly float[] _scratch = new float[FrameSamples];

    private long? _origin;
    private long? _currentSlot;
    private long _lastHeardEnd = long.MinValue;
    private int _missingInRow;
    private bool _ended;

    public LiveJitterBuffer(LiveStreamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _delay = options.DelaySamples;
        _horizon = options.HorizonSamples;
        _endAfterSilence = options.EndAfterSilenceSamples;
        _decoder = new OpusFrameDecoder();
    }

    public LiveStreamOptions Options { get; }

    /// <summary>True once the stream went silent for <see cref="LiveStreamOptions.EndAfterSilence"/>; nothing plays after.</summary>
    public bool Ended
    {
        get
        {
            lock (_lock)
            {
                return _ended;
            }
        }
    }

    /// <summary>Frames buffered and not yet played.</summary>
    public int Buffered
    {
        get
        {
            lock (_lock)
            {
                return _frames.Count;
            }
        }
    }

    public long AcceptedFrames { get; private set; }

    public long DuplicateFrames { get; private set; }

    public long LateFrames { get; private set; }

    public long FarFutureFrames { get; private set; }

    public long MalformedFrames { get; private set; }

    /// <summary>Frames played from Opus concealment (the faded-out one included), for missing or undecodable frames.</summary>
    public long ConcealedFrames { get; private set; }

    /// <summary>Frames rebuilt from the next frame's in-band FEC.</summary>
    public long RecoveredFrames { get; private set; }

    /// <summary>Frames played as silence because the gap outlasted concealment.</summary>
    public long SilencedFrames { get; private set; }

    /// <summary>
    /// Takes one frame. <paramref name="nowTimelineSample"/> is the Controller timeline now (48 kHz samples since the
    /// epoch): a frame whose play time (its sample + delay) is before it is late, one beyond now + horizon far future.
    /// The Opus bytes are copied: the caller may reuse its receive buffer.
    /// </summary>
    public FrameOutcome Accept(LiveFrame frame, long nowTimelineSample)
    {
        lock (_lock)
        {
            var outcome = Classify(frame, nowTimelineSample);
            switch (outcome)
            {
                case FrameOutcome.Accepted:
                    // The grid's origin is the earliest frame buffered, not the first to arrive: one that overtook
                    // earlier frames must not leave them before the origin, unplayed. Classify keeps every frame on one
                    // grid, and once a slot has played nothing at or before it is accepted, so the origin no longer moves.
                    _origin = _origin is { } origin ? Math.Min(origin, frame.TimelineSample) : frame.TimelineSample;
                    _frames.Add(frame.TimelineSample, frame.Opus.ToArray());
                    _lastHeardEnd = Math.Max(_lastHeardEnd, frame.TimelineSample + FrameSamples);
                    AcceptedFrames++;
                    break;
                case FrameOutcome.Duplicate:
                    DuplicateFrames++;
                    break;
                case FrameOutcome.Late:
                    LateFrames++;
                    break;
                case FrameOutcome.FarFuture:
                    FarFutureFrames++;
                    break;
                default:
                    MalformedFrames++;
                    break;
            }

            return outcome;
        }
    }

    /// <summary>
    /// Fills <paramref name="output"/> with the samples to come out from play time <paramref name="playTimelineSample"/>
    /// on (content at play time − delay; silence before the first frame). Positions need not fall on frame boundaries:
    /// the decoded frame is kept between calls. Returns the samples written, fewer than asked once the stream ends.
    /// </summary>
    public int Render(long playTimelineSample, Span<float> output)
    {
        lock (_lock)
        {
            if (_ended)
            {
                return 0;
            }

            var content = playTimelineSample - _delay;
            if (_lastHeardEnd == long.MinValue)
            {
                _lastHeardEnd = content;
            }

            var end = _lastHeardEnd + _endAfterSilence;
            var written = 0;
            while (written < output.Length)
            {
                var position = content + written;
                if (position >= end)
                {
                    _ended = true;
                    _frames.Clear();
                    break;
                }

                var remaining = (int)Math.Min(output.Length - written, end - position);
                if (_origin is not { } origin || position < origin)
                {
                    var silent = (int)Math.Min(remaining, (_origin ?? long.MaxValue) - position);
                    output.Slice(written, silent).Clear();
                    written += silent;
                    continue;
                }

                var slot = origin + ((position - origin) / FrameSamples * FrameSamples);
                if (_currentSlot != slot)
                {
                    Produce(slot);
                }

                var offset = (int)(position - slot);
                var count = Math.Min(remaining, FrameSamples - offset);
                _current.AsSpan(offset, count).CopyTo(output.Slice(written, count));
                written += count;
            }

            return written;
        }
    }

    public void Dispose() => _decoder.Dispose();

    private FrameOutcome Classify(LiveFrame frame, long now)
    {
        if (frame.Opus.IsEmpty || frame.Opus.Length > OpusFormat.MaxPacketBytes || frame.Index < 0 || frame.TimelineSample < 0)
        {
            return FrameOutcome.Malformed;
        }

        if (_origin is { } origin && (frame.TimelineSample - origin) % FrameSamples != 0)
        {
            return FrameOutcome.Malformed;
        }

        // Compared as sample minus now rather than sample + delay, which overflows for a sample near the timeline's end.
        var ahead = frame.TimelineSample - now;
        if (_ended || ahead < -_delay || frame.TimelineSample <= _currentSlot)
        {
            return FrameOutcome.Late;
        }

        if (ahead > _horizon - _delay)
        {
            return FrameOutcome.FarFuture;
        }

        return _frames.ContainsKey(frame.TimelineSample) ? FrameOutcome.Duplicate : FrameOutcome.Accepted;
    }

    /// <summary>Decodes, rebuilds, conceals or silences the frame at <paramref name="slot"/> into the current frame.</summary>
    private void Produce(long slot)
    {
        if (_currentSlot is not { } previous || slot != previous + FrameSamples)
        {
            // The playout jumped (a seek or a stall) or began after the first frames' play time: what lies before the
            // new slot can no longer play.
            foreach (var stale in _frames.Keys.Where(key => key < slot).ToList())
            {
                _frames.Remove(stale);
            }
        }

        _currentSlot = slot;
        var afterSilence = _missingInRow > ConcealedFramesBeforeFade;
        if (_frames.Remove(slot, out var packet) && TryDecode(packet))
        {
            if (afterSilence)
            {
                Ramp(_current, fadeIn: true);
            }

            _missingInRow = 0;
            return;
        }

        _missingInRow++;
        if (_missingInRow > ConcealedFramesBeforeFade + 1)
        {
            _current.AsSpan().Clear();
            SilencedFrames++;
            return;
        }

        if (_frames.TryGetValue(slot + FrameSamples, out var next) && TryRecover(next))
        {
            RecoveredFrames++;
        }
        else
        {
            Conceal();
            ConcealedFrames++;
        }

        if (_missingInRow == ConcealedFramesBeforeFade + 1)
        {
            Ramp(_current, fadeIn: false);
        }
    }

    private bool TryDecode(byte[] packet)
    {
        try
        {
            var written = _decoder.Decode(packet, _current);
            if (written < FrameSamples)
            {
                // A valid packet of a shorter duration: not ours to play whole; fill its tail from concealment.
                _decoder.Conceal(_scratch);
                _scratch.AsSpan(0, FrameSamples - written).CopyTo(_current.AsSpan(written));
            }

            Bound(_current);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private bool TryRecover(byte[] next)
    {
        try
        {
            var written = _decoder.Recover(next, _current);
            if (written < FrameSamples)
            {
                return false;
            }

            Bound(_current);
            return true;
        }
        catch (InvalidDataException)
        {
            return false;
        }
    }

    private void Conceal()
    {
        try
        {
            var written = _decoder.Conceal(_current);
            _current.AsSpan(written).Clear();
            Bound(_current);
        }
        catch (InvalidDataException)
        {
            _current.AsSpan().Clear();
        }
    }

    /// <summary>A linear ramp over one frame: long enough to be inaudible as a click, short enough not to blur speech.</summary>
    private static void Ramp(Span<float> frame, bool fadeIn)
    {
        for (var index = 0; index < frame.Length; index++)
        {
            var gain = (float)index / frame.Length;
            frame[index] *= fadeIn ? gain : 1f - gain;
        }
    }

    /// <summary>The sinks take −1…1; a decoder's overshoot or a non-number must not reach the horn.</summary>
    private static void Bound(Span<float> frame)
    {
        for (var index = 0; index < frame.Length; index++)
        {
            var sample = frame[index];
            frame[index] = float.IsFinite(sample) ? Math.Clamp(sample, -1f, 1f) : 0f;
        }
    }
}
