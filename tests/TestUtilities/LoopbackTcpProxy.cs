using System.Net;
using System.Net.Sockets;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// A TCP relay on loopback between a client and a server, for tests that need a bad link: it can stall
/// (sockets open, nothing forwarded — the half-open connection a broker only notices by keepalive) and cut
/// (both sockets reset at once). Bytes held during a stall are delivered when the link flows again.
/// </summary>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly int targetPort;
    private readonly CancellationTokenSource stopping = new();
    private readonly List<(TcpClient Inbound, TcpClient Outbound)> connections = [];
    private readonly Lock gate = new();
    private TaskCompletionSource flowing = CompletedSignal();
    private readonly Task acceptLoop;

    /// <summary>Starts relaying from a free loopback port to <paramref name="targetPort"/>.</summary>
    public LoopbackTcpProxy(int targetPort)
    {
        this.targetPort = targetPort;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        acceptLoop = AcceptAsync(stopping.Token);
    }

    /// <summary>The port clients connect to instead of the server's.</summary>
    public int Port { get; }

    /// <summary>Current state of every connection through the proxy.</summary>
    public LinkState State { get; private set; } = LinkState.Flowing;

    /// <summary>Connections accepted so far.</summary>
    public int AcceptedConnections { get; private set; }

    /// <summary>Stops forwarding while keeping every socket open.</summary>
    public void Stall()
    {
        lock (gate)
        {
            if (State == LinkState.Stalled)
            {
                return;
            }

            flowing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            State = LinkState.Stalled;
        }
    }

    /// <summary>Forwards again, held bytes first.</summary>
    public void Resume()
    {
        lock (gate)
        {
            State = LinkState.Flowing;
            flowing.TrySetResult();
        }
    }

    /// <summary>Resets every open connection (both sides see the reset at once); new connections are still accepted.</summary>
    public void CutAll()
    {
        lock (gate)
        {
            foreach (var (inbound, outbound) in connections)
            {
                Reset(inbound);
                Reset(outbound);
            }

            connections.Clear();
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await stopping.CancelAsync();
        listener.Stop();
        Resume();
        CutAll();
        try
        {
            await acceptLoop;
        }
        catch (OperationCanceledException)
        {
            // The accept loop ends by cancellation.
        }

        stopping.Dispose();
    }

    private static TaskCompletionSource CompletedSignal()
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        signal.SetResult();
        return signal;
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (ObjectDisposedException)
        {
            // Already closed by the other direction.
        }
    }

    private async Task AcceptAsync(CancellationToken cancellation)
    {
        while (!cancellation.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(cancellation);
            }
            catch (SocketException) when (cancellation.IsCancellationRequested)
            {
                return;
            }

            var outbound = new TcpClient { NoDelay = true };
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, targetPort, cancellation);
            }
            catch (SocketException)
            {
                // The server is down: refuse the client the way a dead server would.
                Reset(inbound);
                outbound.Dispose();
                continue;
            }

            inbound.NoDelay = true;
            lock (gate)
            {
                connections.Add((inbound, outbound));
                AcceptedConnections++;
            }

            _ = PumpAsync(inbound, outbound, cancellation);
            _ = PumpAsync(outbound, inbound, cancellation);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, CancellationToken cancellation)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var sink = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer, cancellation);
                if (read == 0)
                {
                    break;
                }

                Task gateOpen;
                lock (gate)
                {
                    gateOpen = flowing.Task;
                }

                await gateOpen.WaitAsync(cancellation);
                await sink.WriteAsync(buffer.AsMemory(0, read), cancellation);
            }

            to.Client.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // One side went away; the other pump notices on its own.
        }
    }
}
