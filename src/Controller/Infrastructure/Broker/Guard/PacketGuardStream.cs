using System.Net;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// Sits between a client's connection (TCP, or TLS over it) and MQTTnet, and reads each packet's head before
/// MQTTnet may: MQTTnet allocates a packet's body from its declared length, so a 100 MB declaration costs 100 MB
/// (twice, with the decode) before any check of ours could run. The guard holds a packet's first bytes back until it
/// has read the fixed header (and, for a PUBLISH, the topic) and judged the declared size against the cap for that
/// packet type and topic class, and each PUBLISH against the connection's rate; a packet refused is never handed
/// on: the stream ends (reads return 0), which MQTTnet takes as the client closing, so it drops the connection (the
/// Will is sent) without buffering the body. A packet let through passes untouched, however the bytes are split
/// over reads; several packets in one read are judged one at a time.
/// </summary>
internal sealed class PacketGuardStream : Stream
{
    /// <summary>Buffer for packet heads; grows only to hold a whole CONNECT (at most the control cap), then shrinks back.</summary>
    private const int HeadBufferBytes = 2 * PacketHead.LongestHead;

    private readonly Stream _inner;
    private readonly PacketLimits _limits;
    private readonly PublishRateBucket _rate;
    private readonly EndPoint? _endpoint;
    private readonly Action<GuardRefusal> _refused;
    private byte[] _buffer = new byte[HeadBufferBytes];
    private int _start;
    private int _end;

    // Bytes at _start that belong to packets already judged and may be handed on.
    private int _approved;

    // Bytes of the packet being handed on that are still in the connection, not yet in the buffer.
    private long _passThrough;
    private bool _connectSeen;
    private bool _closed;

    /// <summary>Guards the packets read from <paramref name="inner"/>, reporting a refusal to <paramref name="refused"/>.</summary>
    public PacketGuardStream(Stream inner, PacketLimits limits, TimeProvider clock, EndPoint? endpoint, Action<GuardRefusal> refused)
    {
        _inner = inner;
        _limits = limits;
        _rate = new PublishRateBucket(clock, limits.PublishesPerSecond, limits.PublishBurst);
        _endpoint = endpoint;
        _refused = refused;
    }

    /// <summary>The client id of the CONNECT let through; null before.</summary>
    public string? ClientId { get; private set; }

    /// <summary>
    /// Waits for the connection's first bytes before MQTTnet reads any; false when the connection ends first. A port
    /// probe, or a TLS 1.3 client that refuses the server's certificate only after the handshake, then ends quietly
    /// here instead of as MQTTnet's warning that the first packet was no CONNECT.
    /// </summary>
    public ValueTask<bool> ReceiveFirstBytesAsync(CancellationToken cancellationToken) => ReceiveAsync(1, cancellationToken);

    /// <inheritdoc />
    public override bool CanRead => _inner.CanRead;

    /// <inheritdoc />
    public override bool CanWrite => _inner.CanWrite;

    /// <inheritdoc />
    public override bool CanSeek => false;

    /// <inheritdoc />
    public override long Length => throw new NotSupportedException();

    /// <inheritdoc />
    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    /// <inheritdoc />
    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        if (buffer.IsEmpty)
        {
            return 0;
        }

        while (!_closed)
        {
            if (_approved > 0)
            {
                var count = Math.Min(buffer.Length, _approved);
                _buffer.AsSpan(_start, count).CopyTo(buffer.Span);
                _start += count;
                _approved -= count;
                if (_start == _end)
                {
                    _start = _end = 0;
                    if (_buffer.Length > HeadBufferBytes)
                    {
                        _buffer = new byte[HeadBufferBytes];
                    }
                }

                return count;
            }

            if (_passThrough > 0)
            {
                // The rest of a judged packet goes straight to the reader, never past the packet's end.
                var read = await _inner.ReadAsync(buffer[..(int)Math.Min(buffer.Length, _passThrough)], cancellationToken).ConfigureAwait(false);
                _passThrough -= read;
                return read;
            }

            var needed = Judge();
            if (needed > 0 && !await ReceiveAsync(needed, cancellationToken).ConfigureAwait(false))
            {
                return 0;
            }
        }

        return 0;
    }

    /// <inheritdoc />
    public override int Read(byte[] buffer, int offset, int count) =>
        ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc />
    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default) =>
        _inner.WriteAsync(buffer, cancellationToken);

    /// <inheritdoc />
    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        _inner.WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <inheritdoc />
    public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

    /// <inheritdoc />
    public override Task FlushAsync(CancellationToken cancellationToken) => _inner.FlushAsync(cancellationToken);

    /// <inheritdoc />
    public override void Flush() => _inner.Flush();

    /// <inheritdoc />
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    /// <inheritdoc />
    public override void SetLength(long value) => throw new NotSupportedException();

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    /// <summary>
    /// Judges the packet starting at <see cref="_start"/>: lets it through (0), refuses it (0, the stream closed), or
    /// asks for that many bytes from the packet's start to be buffered first.
    /// </summary>
    private int Judge()
    {
        var received = _buffer.AsSpan(_start, _end - _start);
        var reading = PacketHead.TryRead(received, out var head, out var needed);
        if (reading == HeadReading.NeedMore)
        {
            return needed;
        }

        if (reading == HeadReading.Malformed)
        {
            Refuse("malformed-packet", "a remaining length over four bytes");
            return 0;
        }

        var (cap, setting) = _limits.CapFor(head);
        if (head.TotalLength > cap)
        {
            Refuse("packet-too-large", $"{Describe(head)} of {head.TotalLength} bytes, over the {cap}-byte cap ({setting})");
            return 0;
        }

        if (head.Type == PacketHead.Connect && !_connectSeen)
        {
            // Within the control cap: wait for the whole CONNECT, to know who is speaking.
            if (received.Length < head.TotalLength)
            {
                return (int)head.TotalLength;
            }

            ClientId = ConnectClientId.Read(received[..(int)head.TotalLength], head.HeaderLength);
            _connectSeen = true;
        }

        if (head.Type == PacketHead.Publish
            && !string.Equals(ClientId, _limits.ControllerClientId, StringComparison.Ordinal)
            && !_rate.TryTake())
        {
            Refuse("publish-rate", $"more than {_limits.PublishBurst} publishes at once or {_limits.PublishesPerSecond} a second (Broker:PublishBurst, Broker:MaxPublishesPerSecond)");
            return 0;
        }

        var inBuffer = (int)Math.Min(head.TotalLength, received.Length);
        _approved = inBuffer;
        _passThrough = head.TotalLength - inBuffer;
        return 0;
    }

    /// <summary>Reads from the connection until <paramref name="needed"/> bytes of the current packet are buffered; false when it ends first.</summary>
    private async ValueTask<bool> ReceiveAsync(int needed, CancellationToken cancellationToken)
    {
        if (_start + needed > _buffer.Length)
        {
            var buffered = _end - _start;
            var target = needed > _buffer.Length ? new byte[needed] : _buffer;
            Buffer.BlockCopy(_buffer, _start, target, 0, buffered);
            _buffer = target;
            _start = 0;
            _end = buffered;
        }

        var read = await _inner.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false);
        _end += read;
        return read > 0;
    }

    private void Refuse(string reason, string detail)
    {
        _closed = true;
        _refused(new GuardRefusal(reason, _endpoint, ClientId, detail));
    }

    private static string Describe(PacketHead head) => head.Type switch
    {
        PacketHead.Connect => "a CONNECT",
        PacketHead.Publish => head.Topic switch
        {
            TopicClass.Json => "a PUBLISH on a JSON topic",
            TopicClass.Audio => "a PUBLISH on an audio topic",
            TopicClass.Media => "a PUBLISH on a media topic",
            _ => "a PUBLISH whose topic is an alias or unreadable",
        },
        8 => "a SUBSCRIBE",
        10 => "an UNSUBSCRIBE",
        _ => $"a packet of type {head.Type}",
    };
}
