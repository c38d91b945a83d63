using System.Net;
using System.Net.Sockets;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>The proxy as a plain TCP relay with faults, against echo and silent servers.</summary>
public sealed class ByteRelayTests
{
    [Fact]
    public async Task Bytes_pass_through_both_ways_and_are_counted()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        var sent = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();

        await client.GetStream().WriteAsync(sent);
        var echoed = await Wire.ReadExactlyAsync(client.GetStream(), sent.Length);

        Assert.Equal(sent, echoed);
        Assert.Equal(1, proxy.AcceptedConnections);
        Assert.Equal(sent.Length, proxy.UpstreamTraffic.BytesForwarded);
        Assert.Equal(sent.Length, proxy.DownstreamTraffic.BytesForwarded);
        Assert.Equal(0, proxy.UpstreamTraffic.PacketsForwarded);
    }

    [Fact]
    public async Task A_stall_holds_every_byte_and_resume_delivers_them_in_order()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        var stream = client.GetStream();
        await stream.WriteAsync(new byte[] { 0 });
        await Wire.ReadExactlyAsync(stream, 1);

        proxy.Stall();
        for (var i = 1; i <= 100; i++)
        {
            await stream.WriteAsync(BitConverter.GetBytes(i));
        }

        var reading = Wire.ReadExactlyAsync(stream, 400);
        await Assert.ThrowsAsync<TimeoutException>(() => reading.WaitAsync(Limits.Quiet));
        Assert.Equal(LinkState.Stalled, proxy.State);
        Assert.Equal(1, proxy.UpstreamTraffic.BytesForwarded);
        Assert.True(client.Connected);

        proxy.Resume();
        var echoed = await reading;

        Assert.Equal(Enumerable.Range(1, 100), Enumerable.Range(0, 100).Select(i => BitConverter.ToInt32(echoed, i * 4)));
        Assert.Equal(LinkState.Flowing, proxy.State);
    }

    [Fact]
    public async Task A_cut_resets_both_the_client_and_the_server()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        var serverSide = await server.AcceptAsync();
        await client.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(client.GetStream(), 1);
        var connection = proxy.Connections.Single();

        proxy.CutAll();

        await Wire.AssertResetAsync(client.GetStream());
        var serverFailure = await serverSide.Ended.WaitAsync(Limits.Prompt);
        Assert.True(Wire.IsReset(serverFailure), $"the server saw {serverFailure?.ToString() ?? "an orderly close"}");
        await connection.Closed.WaitAsync(Limits.Prompt);
        Assert.Empty(proxy.Connections);
    }

    [Fact]
    public async Task Cutting_one_connection_leaves_the_others_alone()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var first = await Wire.ConnectAsync(proxy.Port);
        await first.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(first.GetStream(), 1);
        using var second = await Wire.ConnectAsync(proxy.Port);
        await second.GetStream().WriteAsync(new byte[] { 2 });
        await Wire.ReadExactlyAsync(second.GetStream(), 1);
        var victim = proxy.Connections.Single(connection => connection.Id == 1);

        victim.Cut();

        await Wire.AssertResetAsync(first.GetStream());
        await victim.Closed.WaitAsync(Limits.Prompt);
        await second.GetStream().WriteAsync(new byte[] { 3 });
        Assert.Equal([3], await Wire.ReadExactlyAsync(second.GetStream(), 1));
        Assert.Equal([2], proxy.Connections.Select(connection => connection.Id));
    }

    [Fact]
    public async Task Stalling_one_connection_leaves_the_others_flowing()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var first = await Wire.ConnectAsync(proxy.Port);
        await first.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(first.GetStream(), 1);
        using var second = await Wire.ConnectAsync(proxy.Port);
        await second.GetStream().WriteAsync(new byte[] { 2 });
        await Wire.ReadExactlyAsync(second.GetStream(), 1);
        var stalled = proxy.Connections.Single(connection => connection.Id == 1);

        stalled.Stall();
        await first.GetStream().WriteAsync(new byte[] { 10 });
        await second.GetStream().WriteAsync(new byte[] { 20 });

        Assert.Equal([20], await Wire.ReadExactlyAsync(second.GetStream(), 1));
        var held = Wire.ReadExactlyAsync(first.GetStream(), 1);
        await Assert.ThrowsAsync<TimeoutException>(() => held.WaitAsync(Limits.Quiet));
        Assert.Equal(LinkState.Stalled, stalled.State);
        Assert.Equal(LinkState.Flowing, proxy.State);
        stalled.Resume();
        Assert.Equal([10], await held);
    }

    [Fact]
    public async Task A_stream_that_only_looks_like_mqtt_passes_through_untouched()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        proxy.UpstreamProfile = new LinkProfile { DropQos0Probability = 1 };
        proxy.DownstreamProfile = new LinkProfile { DropQos0Probability = 1 };
        using var client = await Wire.ConnectAsync(proxy.Port);

        // QoS 0 PUBLISH headers without a CONNECT first: not MQTT, so nothing may be dropped.
        byte[] sent = [0x30, 0x02, 0x41, 0x42, 0x30, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x30, 0x01, 0x00];
        await client.GetStream().WriteAsync(sent);

        Assert.Equal(sent, await Wire.ReadExactlyAsync(client.GetStream(), sent.Length));
        Assert.Equal(0, proxy.UpstreamTraffic.Qos0PublishesDropped);
    }

    [Fact]
    public async Task Refuse_mode_resets_new_connections_and_keeps_open_ones()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var open = await Wire.ConnectAsync(proxy.Port);
        await open.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(open.GetStream(), 1);

        proxy.NewConnections = NewConnectionMode.Refuse;

        await Wire.AssertRefusedAsync(proxy.Port);
        Assert.Equal(1, server.AcceptedCount);
        Assert.Equal(1, proxy.RefusedConnections);
        await open.GetStream().WriteAsync(new byte[] { 2 });
        Assert.Equal([2], await Wire.ReadExactlyAsync(open.GetStream(), 1));

        proxy.NewConnections = NewConnectionMode.Forward;
        using var later = await Wire.ConnectAsync(proxy.Port);
        await later.GetStream().WriteAsync(new byte[] { 3 });
        Assert.Equal([3], await Wire.ReadExactlyAsync(later.GetStream(), 1));
    }

    [Fact]
    public async Task Closed_mode_closes_the_port_so_even_a_bare_connect_is_refused_and_forward_reopens_the_same_port()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var open = await Wire.ConnectAsync(proxy.Port);
        await open.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(open.GetStream(), 1);

        proxy.NewConnections = NewConnectionMode.Closed;

        // The host refuses the handshake itself: unlike Refuse mode, the connect never succeeds.
        using (var refused = new TcpClient())
        {
            var failure = await Record.ExceptionAsync(() => refused.ConnectAsync(IPAddress.Loopback, proxy.Port).WaitAsync(Limits.Prompt));
            Assert.Equal(SocketError.ConnectionRefused, Assert.IsType<SocketException>(failure).SocketErrorCode);
        }

        Assert.Equal((1, 0, 1), (server.AcceptedCount, proxy.RefusedConnections, proxy.AcceptedConnections));
        await open.GetStream().WriteAsync(new byte[] { 2 });
        Assert.Equal([2], await Wire.ReadExactlyAsync(open.GetStream(), 1));

        // Open again on the same port while a connection accepted on it is still open.
        proxy.NewConnections = NewConnectionMode.Forward;
        using var later = await Wire.ConnectAsync(proxy.Port);
        await later.GetStream().WriteAsync(new byte[] { 3 });
        Assert.Equal([3], await Wire.ReadExactlyAsync(later.GetStream(), 1));
        Assert.Equal(2, proxy.AcceptedConnections);

        // Closed, then another mode than Forward: the port opens for that mode too.
        proxy.NewConnections = NewConnectionMode.Closed;
        proxy.NewConnections = NewConnectionMode.Refuse;
        await Wire.AssertRefusedAsync(proxy.Port);
        Assert.Equal(1, proxy.RefusedConnections);
    }

    [Fact]
    public async Task Black_hole_mode_accepts_and_swallows_without_ever_answering_until_cut()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        proxy.NewConnections = NewConnectionMode.BlackHole;
        using var client = await Wire.ConnectAsync(proxy.Port);

        await client.GetStream().WriteAsync(new byte[64 * 1024]);
        var answer = client.GetStream().ReadAsync(new byte[1]).AsTask();
        await Assert.ThrowsAsync<TimeoutException>(() => answer.WaitAsync(Limits.Quiet));
        Assert.Equal(0, server.AcceptedCount);
        Assert.Empty(proxy.Connections);

        proxy.CutAll();
        var failure = await Record.ExceptionAsync(() => answer.WaitAsync(Limits.Prompt));
        Assert.True(Wire.IsReset(failure), $"expected a reset, got {failure?.ToString() ?? "an orderly close"}");
    }

    [Fact]
    public async Task Retargeting_sends_new_connections_to_the_other_server_and_leaves_open_ones()
    {
        await using var serverA = TestTcpServer.StartEcho();
        await using var serverB = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(serverA.Port);
        using var onA = await Wire.ConnectAsync(proxy.Port);
        await onA.GetStream().WriteAsync(new byte[] { 1 });
        await Wire.ReadExactlyAsync(onA.GetStream(), 1);

        proxy.TargetPort = serverB.Port;
        using var onB = await Wire.ConnectAsync(proxy.Port);
        await onB.GetStream().WriteAsync(new byte[] { 2 });
        await Wire.ReadExactlyAsync(onB.GetStream(), 1);

        Assert.Equal((1, 1), (serverA.AcceptedCount, serverB.AcceptedCount));
        Assert.Equal([serverA.Port, serverB.Port], proxy.Connections.Select(connection => connection.TargetPort));
        await onA.GetStream().WriteAsync(new byte[] { 3 });
        Assert.Equal([3], await Wire.ReadExactlyAsync(onA.GetStream(), 1));
    }

    [Fact]
    public async Task A_dead_target_is_seen_by_the_client_as_a_reset()
    {
        // Bound but not listening: the port stays dead for the whole test, no other test can take it.
        using var dead = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        dead.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        await using var proxy = new LoopbackTcpProxy(((IPEndPoint)dead.LocalEndPoint!).Port);

        await Wire.AssertRefusedAsync(proxy.Port);
        Assert.Equal(0, proxy.AcceptedConnections);
    }

    [Fact]
    public async Task A_half_close_is_passed_on_and_the_other_direction_keeps_flowing()
    {
        await using var server = TestTcpServer.StartEcho();
        await using var proxy = new LoopbackTcpProxy(server.Port);
        using var client = await Wire.ConnectAsync(proxy.Port);
        var stream = client.GetStream();

        await stream.WriteAsync(new byte[] { 7, 8 });
        client.Client.Shutdown(SocketShutdown.Send);

        var (received, failure) = await Wire.ReadUntilFailureAsync(stream);
        Assert.Null(failure);
        Assert.Equal([7, 8], received);
    }
}
