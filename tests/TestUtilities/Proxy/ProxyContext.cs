namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>What every connection of one proxy shares: the clock, the dice, the proxy-wide stall and the totals.</summary>
internal sealed class ProxyContext(TimeProvider time, Random random, Action<ProxyConnection, string> identified)
{
    private readonly Lock randomGate = new();

    public TimeProvider Time { get; } = time;

    public StallGate Gate { get; } = new();

    public TrafficMeter Upstream { get; } = new();

    public TrafficMeter Downstream { get; } = new();

    public TrafficMeter For(LinkDirection direction) => direction == LinkDirection.Upstream ? Upstream : Downstream;

    /// <summary>
    /// Waits until <paramref name="due"/> after <paramref name="start"/> (a timestamp of <see cref="Time"/>). Timers
    /// round to whole milliseconds and may wake a little early, so it waits again until the time has truly passed:
    /// a test that asserts "at least the delay" must never see less.
    /// </summary>
    public async Task WaitUntilAsync(long start, TimeSpan due, CancellationToken cancellation)
    {
        TimeSpan wait;
        while ((wait = due - Time.GetElapsedTime(start)) > TimeSpan.Zero)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(Math.Ceiling(wait.TotalMilliseconds)), Time, cancellation);
        }
    }

    /// <summary>Called once a connection's CONNECT packet has been read.</summary>
    public void Identified(ProxyConnection connection, string clientId) => identified(connection, clientId);

    /// <summary>A uniform draw in [0, 1); <see cref="Random"/> is not thread-safe and both directions draw.</summary>
    public double NextDouble()
    {
        lock (randomGate)
        {
            return random.NextDouble();
        }
    }
}
