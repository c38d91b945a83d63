using SmartLoudspeaker.Node.Audio.Playout;

namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// A live stream as the playout reads it. The playout places a live play so that content position equals the
/// timeline index it sounds at (<see cref="PlayoutEngine"/>'s <c>Place</c> with no start position), which is exactly
/// the play time <see cref="LiveJitterBuffer.Render"/> takes: a frame stamped T is heard at T + delay.
/// </summary>
/// <remarks>
/// The stream ends when its jitter buffer has heard nothing for its end-after-silence, or at the play time a
/// <c>stream-stop</c> gave (<see cref="EndAt"/>): then <see cref="Read"/> returns fewer samples than asked, which the
/// playout takes as the play's end. Owns its jitter buffer: disposing it frees the decoder, and a read afterwards
/// finds the stream ended, so the playout thread can never decode on a freed decoder.
/// </remarks>
internal sealed class LivePlayContent : IPlayContent, IDisposable
{
    private readonly Lock _lock = new();
    private readonly LiveJitterBuffer _buffer;
    private long _endPlaySample = long.MaxValue;
    private bool _ended;
    private bool _disposed;

    public LivePlayContent(LiveJitterBuffer buffer)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        _buffer = buffer;
    }

    /// <summary>True once a read came up short: the stream has sounded its last sample.</summary>
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

    /// <summary>
    /// The stream ends at play time <paramref name="playTimelineSample"/> (a stop's end timestamp plus the delay): what
    /// is held before it still plays, nothing after. An earlier end than one already set wins.
    /// </summary>
    public void EndAt(long playTimelineSample)
    {
        lock (_lock)
        {
            _endPlaySample = Math.Min(_endPlaySample, playTimelineSample);
        }
    }

    /// <summary>Renders play time <paramref name="position"/> onwards; fewer than asked once the stream has ended.</summary>
    public int Read(long position, Span<float> output)
    {
        lock (_lock)
        {
            if (_ended || _disposed)
            {
                _ended = true;
                return 0;
            }

            var wanted = (int)Math.Clamp(_endPlaySample - position, 0, output.Length);
            var written = wanted > 0 ? _buffer.Render(position, output[..wanted]) : 0;
            if (written < output.Length)
            {
                _ended = true;
            }

            return written;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _buffer.Dispose();
        }
    }
}
