namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// A connection's bytes as a stream: <paramref name="head"/> followed by <paramref name="zeros"/> zero bytes (a huge
/// body without holding it in memory), served at most <paramref name="bytesPerRead"/> bytes a read, as TCP may split
/// them. Counts what it served, so a test can tell how much of a body was read.
/// </summary>
internal sealed class TrickleStream(byte[] head, long zeros = 0, int bytesPerRead = int.MaxValue) : Stream
{
    public long Served { get; private set; }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Read(buffer.Span));

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        var total = head.Length + zeros;
        var count = (int)Math.Min(Math.Min(buffer.Length, bytesPerRead), total - Served);
        for (var i = 0; i < count; i++)
        {
            var at = Served + i;
            buffer[i] = at < head.Length ? head[at] : (byte)0;
        }

        Served += count;
        return count;
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
