using System.Diagnostics;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>Delay, asymmetric delay, jitter and bandwidth, measured on real loopback sockets.</summary>
public sealed class LinkProfileTests
{
    // Upper bounds only catch a proxy that forgot to forward or delayed twice: generous for a loaded CI box, yet
    // below one extra delay of the round-trip test.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task A_fixed_delay_holds_each_direction_at_least_that_long()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        await client.GetStream().WriteAsync(new byte[] { 0 });
        await Wire.ReadExactlyAsync(client.GetStream(), 1);
        var delay = TimeSpan.FromSeconds(2);

        // Set after the connection opened: the proxy-wide profile also reaches open connections.
        proxy.UpstreamProfile = new LinkProfile { Delay = delay };
        proxy.DownstreamProfile = new LinkProfile { Delay = delay };
        var started = Stopwatch.GetTimestamp();
        await client.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(client.GetStream(), 1);
        var roundTrip = Stopwatch.GetElapsedTime(started);

        Assert.InRange(roundTrip, 2 * delay, (2 * delay) + Slack);
        Assert.Equal(delay, proxy.Connections.Single().UpstreamProfile.Delay);
    }

    [Fact]
    public async Task Asymmetric_delay_slows_upstream_and_not_downstream()
    {
        await using var server = TestTcpServer.StartSilent();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        // The upstream delay is long enough that "downstream was not slowed" stays clear on a busy machine.
        var upstreamDelay = TimeSpan.FromSeconds(2);
        proxy.UpstreamProfile = new LinkProfile { Delay = upstreamDelay };
        proxy.DownstreamProfile = new LinkProfile { Delay = TimeSpan.FromMilliseconds(20) };
        using var client = await Wire.ConnectAsync(proxy.Port);
        var serverSide = await server.AcceptAsync();

        var sentUp = Stopwatch.GetTimestamp();
        await client.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(serverSide.Stream, 1);
        var upstream = Stopwatch.GetElapsedTime(sentUp);

        var sentDown = Stopwatch.GetTimestamp();
        await serverSide.Stream.WriteAsync(new byte[] { 2 });
        await Wire.ReadExactlyAsync(client.GetStream(), 1);
        var downstream = Stopwatch.GetElapsedTime(sentDown);

        Assert.InRange(upstream, upstreamDelay, upstreamDelay + Slack);
        Assert.InRange(downstream, TimeSpan.FromMilliseconds(20), upstreamDelay / 2);
    }

    [Fact]
    public async Task Jitter_varies_delay_but_never_reorders_bytes()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port, random: new Random(7));
        var jittery = new LinkProfile { Delay = TimeSpan.FromMilliseconds(20), Jitter = TimeSpan.FromMilliseconds(20) };
        proxy.UpstreamProfile = jittery;
        proxy.DownstreamProfile = jittery;
        using var client = await Wire.ConnectAsync(proxy.Port);
        const int Count = 300;

        // Read concurrently so each write is its own unit at the proxy, each with its own draw of jitter.
        var reading = Wire.ReadExactlyAsync(client.GetStream(), Count * 4);
        for (var i = 0; i < Count; i++)
        {
            await client.GetStream().WriteAsync(BitConverter.GetBytes(i));
        }

        var echoed = await reading;
        Assert.Equal(Enumerable.Range(0, Count), Enumerable.Range(0, Count).Select(i => BitConverter.ToInt32(echoed, i * 4)));
    }

    [Fact]
    public async Task A_bandwidth_cap_paces_a_transfer()
    {
        await using var server = TestTcpServer.StartSilent();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        proxy.UpstreamProfile = new LinkProfile { BytesPerSecond = 32 * 1024 };
        using var client = await Wire.ConnectAsync(proxy.Port);
        var serverSide = await server.AcceptAsync();
        var payload = new byte[64 * 1024];

        var started = Stopwatch.GetTimestamp();
        await client.GetStream().WriteAsync(payload);
        await Wire.ReadExactlyAsync(serverSide.Stream, payload.Length);
        var elapsed = Stopwatch.GetElapsedTime(started);

        // 64 KiB at 32 KiB/s is 2 s, less the small burst an idle link allows. The upper bound is loose because a
        // shared 2-core box can stall the process; an uncapped relay would take milliseconds.
        Assert.InRange(elapsed, TimeSpan.FromSeconds(1.8), TimeSpan.FromSeconds(5));
        Assert.Equal(payload.Length, proxy.UpstreamTraffic.BytesForwarded);
    }

    [Fact]
    public async Task A_connection_profile_overrides_the_proxy_wide_one_for_that_connection_only()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var slow = await Wire.ConnectAsync(proxy.Port);
        await slow.GetStream().WriteAsync(new byte[] { 0 });
        await Wire.ReadExactlyAsync(slow.GetStream(), 1);
        using var fast = await Wire.ConnectAsync(proxy.Port);
        await fast.GetStream().WriteAsync(new byte[] { 0 });
        await Wire.ReadExactlyAsync(fast.GetStream(), 1);
        // Long enough that the undelayed connection is clearly faster even when the machine is busy.
        var delay = TimeSpan.FromSeconds(2);
        proxy.Connections.Single(connection => connection.Id == 1).DownstreamProfile = new LinkProfile { Delay = delay };

        var started = Stopwatch.GetTimestamp();
        await slow.GetStream().WriteAsync(new byte[] { 1 });
        await fast.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(fast.GetStream(), 1);
        var fastTrip = Stopwatch.GetElapsedTime(started);
        await Wire.ReadExactlyAsync(slow.GetStream(), 1);
        var slowTrip = Stopwatch.GetElapsedTime(started);

        Assert.True(fastTrip < delay / 2, $"the other connection took {fastTrip}");
        Assert.True(slowTrip >= delay, $"the delayed connection took {slowTrip}");
        Assert.Equal(LinkProfile.Perfect, proxy.DownstreamProfile);
    }
}
