using System.Diagnostics.CodeAnalysis;
using SmartLoudspeaker.Node.Audio.Opus;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// The node's accepted live streams (docs/protocol.md, "Live audio packets"): a signed <c>stream-start</c> makes a
/// stream's jitter buffer and the content the playout reads; its packets, from whatever topic they came on, are played
/// only when they are genuine and match that start; a <c>stream-stop</c> ends it.
/// </summary>
/// <remarks>
/// <para>
/// A packet is checked cheapest first — shape, stream, class, frame count, then the signature against the Controller
/// keys the node trusts — so a flood of packets for a stream this node never started costs no signature check. Each
/// refusal is counted by reason; nothing a packet holds can make <see cref="Receive"/> throw.
/// </para>
/// <para>
/// Thread-safe: packets arrive on the MQTT thread, starts and stops on the control worker, the content is read on the
/// playout loop. Signatures are checked outside the lock, so a slow check never holds up a start or a stop.
/// </para>
/// </remarks>
internal sealed class LiveStreamIntake : IDisposable
{
    /// <summary>
    /// Stopped or ended stream ids remembered, so their late packets are counted as such and their ids are not started
    /// again (stream ids are never reused); older ones are forgotten and their packets count as unknown streams.
    /// </summary>
    public const int RememberedClosedStreams = 256;

    private readonly Lock _lock = new();
    private readonly TrustStore _trust;
    private readonly Dictionary<string, AcceptedStream> _streams = new(StringComparer.Ordinal);
    private readonly HashSet<string> _closed = new(StringComparer.Ordinal);
    private readonly Queue<string> _closedOrder = new();
    private readonly Dictionary<string, long> _refused = new(StringComparer.Ordinal);
    private long _acceptedPackets;
    private long _acceptedFrames;
    private long _duplicateFrames;
    private long _lateFrames;
    private long _farFutureFrames;
    private long _malformedFrames;

    /// <param name="trust">The Controller keys the node trusts now (the signed control's store, kept up to date by it).</param>
    public LiveStreamIntake(TrustStore trust)
    {
        ArgumentNullException.ThrowIfNull(trust);
        _trust = trust;
    }

    /// <summary>Streams started and not yet forgotten.</summary>
    public int ActiveStreams
    {
        get
        {
            lock (_lock)
            {
                return _streams.Count;
            }
        }
    }

    /// <summary>A snapshot of the counters.</summary>
    public LiveIntakeCounters Counters
    {
        get
        {
            lock (_lock)
            {
                return new LiveIntakeCounters(
                    _acceptedPackets, new Dictionary<string, long>(_refused, StringComparer.Ordinal), _acceptedFrames,
                    _duplicateFrames, _lateFrames, _farFutureFrames, _malformedFrames);
            }
        }
    }

    /// <summary>
    /// Accepts a verified, valid stream start: makes the stream's jitter buffer (its delay and end-after-silence) and
    /// returns the content to submit to the playout. The same start again (a resend) returns the same content. False
    /// when the id is taken by a different start or belongs to a stream already stopped or ended.
    /// </summary>
    /// <exception cref="ArgumentException">The command does not validate (the command handler refuses it first).</exception>
    public bool TryStart(StreamStartCommand command, [NotNullWhen(true)] out LivePlayContent? content)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(command));
        }

        lock (_lock)
        {
            if (_streams.TryGetValue(command.StreamId, out var existing))
            {
                content = existing.Start == command ? existing.Content : null;
                return content is not null;
            }

            if (_closed.Contains(command.StreamId))
            {
                content = null;
                return false;
            }

            var options = new LiveStreamOptions(command.Delay) { EndAfterSilence = command.EndAfterSilence };
            var stream = new AcceptedStream(command, options, new LiveJitterBuffer(options));
            _streams.Add(command.StreamId, stream);
            content = stream.Content;
            return true;
        }
    }

    /// <summary>
    /// Stops a stream. With <paramref name="endTimestampUs"/> (Controller clock, just after the last frame) the stream
    /// plays what it holds up to it — packets before it that the stop overtook still count — and then its content ends.
    /// Without, every further packet is refused and the caller fades the play out (<see cref="PlayoutEngine.Stop"/>).
    /// False when the stream is not active (never started, already forgotten): stopped already.
    /// </summary>
    public bool Stop(string streamId, long? endTimestampUs)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        if (endTimestampUs is < 0 || endTimestampUs > LiveAudioPacketCodec.MaxTimestampMicros)
        {
            throw new ArgumentOutOfRangeException(nameof(endTimestampUs), endTimestampUs, "A timestamp is microseconds since the Unix epoch.");
        }

        lock (_lock)
        {
            if (!_streams.TryGetValue(streamId, out var stream))
            {
                return false;
            }

            if (endTimestampUs is not { } end)
            {
                stream.StoppedNow = true;
                return true;
            }

            stream.EndTimestampUs = Math.Min(stream.EndTimestampUs ?? long.MaxValue, end);
            stream.Content.EndAt(ControllerTimeline.ToSample(InstantOf(end)) + stream.Options.DelaySamples);
            return true;
        }
    }

    /// <summary>
    /// Forgets a stream whose play is over (finished, failed or superseded in the playout): frees its decoder and
    /// remembers its id as closed. Harmless for an unknown id.
    /// </summary>
    public void Forget(string streamId)
    {
        ArgumentException.ThrowIfNullOrEmpty(streamId);
        AcceptedStream? stream;
        lock (_lock)
        {
            if (!_streams.Remove(streamId, out stream))
            {
                return;
            }

            Close(streamId);
        }

        stream.Content.Dispose();
    }

    /// <summary>
    /// One live packet from the topic of stream <paramref name="topicStreamId"/>, at Controller-timeline sample
    /// <paramref name="nowTimelineSample"/> (48 kHz since the epoch; frames whose play time is before it are late).
    /// Returns null when its frames went to the stream's jitter buffer, otherwise the refusal reason, counted. The
    /// payload is not kept: the jitter buffer copies the frames.
    /// </summary>
    public string? Receive(string topicStreamId, ReadOnlyMemory<byte> payload, long nowTimelineSample)
    {
        ArgumentNullException.ThrowIfNull(topicStreamId);
        var decoded = LiveAudioPacketCodec.Decode(payload);
        if (!decoded.Succeeded)
        {
            return Refuse(LiveIntakeReasons.Malformed);
        }

        var packet = decoded.Message!;
        if (!string.Equals(packet.StreamId, topicStreamId, StringComparison.Ordinal))
        {
            return Refuse(LiveIntakeReasons.WrongStream);
        }

        AcceptedStream stream;
        lock (_lock)
        {
            if (Match(packet) is { } refusal)
            {
                return Refuse(refusal);
            }

            stream = _streams[packet.StreamId];
        }

        var verdict = LiveAudioPacketCodec.Verify(payload, _trust);
        if (!verdict.Accepted)
        {
            return Refuse(verdict.Refusal ?? LiveIntakeReasons.Malformed);
        }

        Feed(stream.Buffer, packet, nowTimelineSample);
        return null;
    }

    public void Dispose()
    {
        List<AcceptedStream> streams;
        lock (_lock)
        {
            streams = [.. _streams.Values];
            _streams.Clear();
        }

        foreach (var stream in streams)
        {
            stream.Content.Dispose();
        }
    }

    /// <summary>What keeps the packet from its stream's buffer, or null; under the lock.</summary>
    private string? Match(LiveAudioPacket packet)
    {
        if (!_streams.TryGetValue(packet.StreamId, out var stream))
        {
            return _closed.Contains(packet.StreamId) ? LiveIntakeReasons.StreamStopped : LiveIntakeReasons.UnknownStream;
        }

        return stream.StoppedNow || packet.TimestampMicros >= stream.EndTimestampUs ? LiveIntakeReasons.StreamStopped
            : stream.Content.Ended ? LiveIntakeReasons.StreamEnded
            : packet.Class != stream.Start.Class ? LiveIntakeReasons.WrongClass
            : packet.Frames.Count != stream.Start.FramesPerPacket ? LiveIntakeReasons.WrongFrameCount
            : null;
    }

    private void Feed(LiveJitterBuffer buffer, LiveAudioPacket packet, long nowTimelineSample)
    {
        // Frame i starts exactly i·960 samples after the packet (20 ms is a whole number of samples); counted from the
        // packet's sample rather than from each frame's instant, which could overflow DateTimeOffset near year 9999.
        var first = ControllerTimeline.ToSample(packet.Timestamp);
        var outcomes = new FrameOutcome[packet.Frames.Count];
        for (var index = 0; index < packet.Frames.Count; index++)
        {
            var frame = new LiveFrame(packet.Sequence, index, first + ((long)index * OpusFormat.SamplesPerFrame), packet.Frames[index]);
            outcomes[index] = buffer.Accept(frame, nowTimelineSample);
        }

        lock (_lock)
        {
            _acceptedPackets++;
            foreach (var outcome in outcomes)
            {
                switch (outcome)
                {
                    case FrameOutcome.Accepted:
                        _acceptedFrames++;
                        break;
                    case FrameOutcome.Duplicate:
                        _duplicateFrames++;
                        break;
                    case FrameOutcome.Late:
                        _lateFrames++;
                        break;
                    case FrameOutcome.FarFuture:
                        _farFutureFrames++;
                        break;
                    default:
                        _malformedFrames++;
                        break;
                }
            }
        }
    }

    private string Refuse(string reason)
    {
        lock (_lock)
        {
            _refused[reason] = _refused.GetValueOrDefault(reason) + 1;
        }

        return reason;
    }

    /// <summary>Remembers a closed id, forgetting the oldest beyond <see cref="RememberedClosedStreams"/>; under the lock.</summary>
    private void Close(string streamId)
    {
        if (!_closed.Add(streamId))
        {
            return;
        }

        _closedOrder.Enqueue(streamId);
        if (_closedOrder.Count > RememberedClosedStreams)
        {
            _closed.Remove(_closedOrder.Dequeue());
        }
    }

    private static DateTimeOffset InstantOf(long micros) => DateTimeOffset.UnixEpoch.AddTicks(micros * TimeSpan.TicksPerMicrosecond);

    /// <summary>One started stream: its start, its buffer, its content and how it was stopped.</summary>
    private sealed class AcceptedStream(StreamStartCommand start, LiveStreamOptions options, LiveJitterBuffer buffer)
    {
        public StreamStartCommand Start { get; } = start;

        public LiveStreamOptions Options { get; } = options;

        public LiveJitterBuffer Buffer { get; } = buffer;

        public LivePlayContent Content { get; } = new(buffer);

        public bool StoppedNow { get; set; }

        public long? EndTimestampUs { get; set; }
    }
}
