namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>Thread-safe counters behind a <see cref="TrafficCounters"/> snapshot.</summary>
internal sealed class TrafficMeter
{
    private long bytes;
    private long packets;
    private long drops;
    private long held;

    public void AddBytes(int count) => Interlocked.Add(ref bytes, count);

    public void AddPacket() => Interlocked.Increment(ref packets);

    public void AddDrop() => Interlocked.Increment(ref drops);

    public void AddHeld() => Interlocked.Increment(ref held);

    public TrafficCounters Snapshot() =>
        new(Interlocked.Read(ref bytes), Interlocked.Read(ref packets), Interlocked.Read(ref drops), Interlocked.Read(ref held));
}
