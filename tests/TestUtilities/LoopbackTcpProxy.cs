using System.Net;
using System.Net.Sockets;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// The one bad network link of the test suite: a TCP relay on loopback between clients and a server (usually an MQTT
/// broker) that can stall (sockets open, nothing forwarded — the half-open link a broker only notices by keepalive),
/// cut (both sockets reset), cut in the middle of an MQTT packet, add delay, jitter and a bandwidth cap per direction,
/// drop QoS 0 publishes, hold publishes by topic so that others overtake them (<see cref="LinkProfile.Holds"/>: the
/// reordering MQTT allows between topics), hang or refuse new connections (or close its port), and switch to another
/// server. It reads
/// the MQTT framing of what it relays (a stream that is not MQTT passes through as raw bytes), so connections (and
/// black-holed clients) can be found by client id.
/// </summary>
/// <remarks>
/// Delays, jitter and bandwidth are scheduled on the <see cref="TimeProvider"/> given to the constructor; with a fake
/// one they only advance with it. Bytes held by a stall or a delay are delivered in order once they may go; a publish
/// held by topic joins them when its hold is over.
/// </remarks>
public sealed class LoopbackTcpProxy : IAsyncDisposable
{
    private readonly CancellationTokenSource stopping = new();
    private readonly Lock gate = new();
    private readonly List<ProxyConnection> connections = [];
    private readonly List<Task> closings = [];
    private readonly List<Task> acceptLoops = [];
    private readonly List<Socket> blackHoled = [];
    private readonly HashSet<string> blackHoledClientIds = new(StringComparer.Ordinal);
    private readonly List<(string ClientId, TaskCompletionSource<ProxyConnection> Found)> waiters = [];
    private readonly List<(string ClientId, TaskCompletionSource Found)> blackHoleWaiters = [];
    private readonly ProxyContext context;
    private TcpListener? listener;
    private int targetPort;
    private int blackHoledConnections;
    private int refusedConnections;
    private LinkProfile upstreamProfile = LinkProfile.Perfect;
    private LinkProfile downstreamProfile = LinkProfile.Perfect;
    private NewConnectionMode newConnections = NewConnectionMode.Forward;
    private bool disposed;

    /// <summary>Starts relaying from a free loopback port to <paramref name="targetPort"/> on loopback.</summary>
    /// <param name="targetPort">The server's port.</param>
    /// <param name="timeProvider">Clock for delays, bandwidth and scripts; the system clock by default.</param>
    /// <param name="random">Source of jitter and of drops by probability; seed it for a repeatable run.</param>
    public LoopbackTcpProxy(int targetPort, TimeProvider? timeProvider = null, Random? random = null)
    {
        this.targetPort = targetPort;
        context = new ProxyContext(timeProvider ?? TimeProvider.System, random ?? new Random(), Identify);
        var first = new TcpListener(IPAddress.Loopback, 0);
        first.Start();
        Port = ((IPEndPoint)first.LocalEndpoint).Port;
        lock (gate)
        {
            Listen(first);
        }
    }

    /// <summary>The port clients connect to instead of the server's.</summary>
    public int Port { get; }

    /// <summary>
    /// The server port new connections are made to. Changing it (failover: broker A, then broker B) leaves open
    /// connections with their server; cut them to make clients reconnect.
    /// </summary>
    public int TargetPort
    {
        get => Volatile.Read(ref targetPort);
        set => Volatile.Write(ref targetPort, value);
    }

    /// <summary>Proxy-wide state: <see cref="LinkState.Stalled"/> holds every connection, old and new.</summary>
    public LinkState State => context.Gate.IsClosed ? LinkState.Stalled : LinkState.Flowing;

    /// <summary>Connections forwarded to a server so far (black-holed and refused ones are not).</summary>
    public int AcceptedConnections { get; private set; }

    /// <summary>Connections swallowed by <see cref="NewConnectionMode.BlackHole"/> so far, closed ones included.</summary>
    public int BlackHoledConnections => Volatile.Read(ref blackHoledConnections);

    /// <summary>
    /// Connections accepted and reset by <see cref="NewConnectionMode.Refuse"/> so far (connects to a
    /// <see cref="NewConnectionMode.Closed"/> port never reach the proxy and are not counted).
    /// </summary>
    public int RefusedConnections => Volatile.Read(ref refusedConnections);

    /// <summary>
    /// What happens to clients that connect from now on; connections already open are not affected. Setting
    /// <see cref="NewConnectionMode.Closed"/> closes the listening port at once; any other mode opens it again.
    /// </summary>
    public NewConnectionMode NewConnections
    {
        get
        {
            lock (gate)
            {
                return newConnections;
            }
        }

        set
        {
            lock (gate)
            {
                var wasClosed = newConnections == NewConnectionMode.Closed;
                newConnections = value;
                if (disposed || wasClosed == (value == NewConnectionMode.Closed))
                {
                    return;
                }

                if (value == NewConnectionMode.Closed)
                {
                    listener?.Stop();
                    listener = null;
                    return;
                }

                // The same port again. Connections accepted on it are still open and keep it bound: reuse allows that.
                var reopened = new TcpListener(IPAddress.Loopback, Port);
                reopened.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
                reopened.Start();
                Listen(reopened);
            }
        }
    }

    /// <summary>The connections open now, in the order they were accepted.</summary>
    public IReadOnlyList<ProxyConnection> Connections
    {
        get
        {
            lock (gate)
            {
                return [.. connections];
            }
        }
    }

    /// <summary>Client-to-server profile of every connection; setting it applies to open and future connections.</summary>
    public LinkProfile UpstreamProfile
    {
        get
        {
            lock (gate)
            {
                return upstreamProfile;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (gate)
            {
                upstreamProfile = value;
                connections.ForEach(connection => connection.UpstreamProfile = value);
            }
        }
    }

    /// <summary>Server-to-client profile of every connection; setting it applies to open and future connections.</summary>
    public LinkProfile DownstreamProfile
    {
        get
        {
            lock (gate)
            {
                return downstreamProfile;
            }
        }

        set
        {
            ArgumentNullException.ThrowIfNull(value);
            lock (gate)
            {
                downstreamProfile = value;
                connections.ForEach(connection => connection.DownstreamProfile = value);
            }
        }
    }

    /// <summary>Client-to-server totals over every connection, closed ones included.</summary>
    public TrafficCounters UpstreamTraffic => context.Upstream.Snapshot();

    /// <summary>Server-to-client totals over every connection, closed ones included.</summary>
    public TrafficCounters DownstreamTraffic => context.Downstream.Snapshot();

    /// <summary>Stops forwarding on every connection (and new ones) while keeping every socket open.</summary>
    public void Stall() => context.Gate.Close();

    /// <summary>Forwards again, held bytes first (connections stalled on their own stay stalled).</summary>
    public void Resume() => context.Gate.Open();

    /// <summary>Resets every open connection (both sides see the reset at once); new connections are still accepted.</summary>
    public void CutAll()
    {
        List<ProxyConnection> open;
        List<Socket> hanging;
        lock (gate)
        {
            open = [.. connections];
            hanging = [.. blackHoled];
            blackHoled.Clear();
        }

        open.ForEach(connection => connection.Cut());
        ProxyConnection.Reset([.. hanging]);
    }

    /// <summary>
    /// <see cref="ProxyConnection.CutMidPacket"/> on every open connection; completes when all of them are cut.
    /// </summary>
    public Task CutMidPacket(LinkDirection direction) =>
        Task.WhenAll(Connections.Select(connection => connection.CutMidPacket(direction)));

    /// <summary>
    /// The open connection whose CONNECT carried <paramref name="clientId"/> (the newest, if several), or the next one
    /// to send it. Throws <see cref="TimeoutException"/> when none does within <paramref name="timeout"/> (real time,
    /// even when the proxy runs on a fake clock: it bounds the test, it is not part of the simulated link).
    /// </summary>
    public async Task<ProxyConnection> WaitForConnectionAsync(
        string clientId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        TaskCompletionSource<ProxyConnection> found;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (connections.LastOrDefault(connection => connection.ClientId == clientId) is { } open)
            {
                return open;
            }

            found = new TaskCompletionSource<ProxyConnection>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((clientId, found));
        }

        try
        {
            return await found.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            lock (gate)
            {
                waiters.RemoveAll(waiter => waiter.Found == found);
            }
        }
    }

    /// <summary>
    /// Completes once a connection swallowed by <see cref="NewConnectionMode.BlackHole"/> has sent a CONNECT carrying
    /// <paramref name="clientId"/> (already, or from now on): the client is then waiting for a CONNACK that never
    /// comes. Throws <see cref="TimeoutException"/> when none does within <paramref name="timeout"/> (real time).
    /// </summary>
    public async Task WaitForBlackHoledAsync(string clientId, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(clientId);
        TaskCompletionSource found;
        lock (gate)
        {
            ObjectDisposedException.ThrowIf(disposed, this);
            if (blackHoledClientIds.Contains(clientId))
            {
                return;
            }

            found = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            blackHoleWaiters.Add((clientId, found));
        }

        try
        {
            await found.Task.WaitAsync(timeout, cancellationToken);
        }
        finally
        {
            lock (gate)
            {
                blackHoleWaiters.RemoveAll(waiter => waiter.Found == found);
            }
        }
    }

    /// <summary>
    /// Applies each step when it is due: a step's <see cref="FaultStep.After"/> counts from when the previous step was
    /// due, so slow steps do not push the rest of the script later.
    /// </summary>
    public async Task RunScriptAsync(IEnumerable<FaultStep> steps, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var start = context.Time.GetTimestamp();
        var due = TimeSpan.Zero;
        foreach (var step in steps)
        {
            due += step.After;
            await context.WaitUntilAsync(start, due, cancellationToken);
            step.Apply(this);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        lock (gate)
        {
            if (disposed)
            {
                return;
            }

            disposed = true;
        }

        await stopping.CancelAsync();
        Task[] accepting;
        lock (gate)
        {
            listener?.Stop();
            listener = null;
            accepting = [.. acceptLoops];
        }

        await Task.WhenAll(accepting);
        Resume();
        CutAll();
        Task[] closing;
        (string ClientId, TaskCompletionSource<ProxyConnection> Found)[] waiting;
        (string ClientId, TaskCompletionSource Found)[] waitingForHoles;
        lock (gate)
        {
            closing = [.. closings];
            waiting = [.. waiters];
            waitingForHoles = [.. blackHoleWaiters];
        }

        await Task.WhenAll(closing);
        foreach (var (_, found) in waiting)
        {
            found.TrySetException(new ObjectDisposedException(nameof(LoopbackTcpProxy)));
        }

        foreach (var (_, found) in waitingForHoles)
        {
            found.TrySetException(new ObjectDisposedException(nameof(LoopbackTcpProxy)));
        }

        stopping.Dispose();
    }

    private void Identify(ProxyConnection connection, string clientId)
    {
        lock (gate)
        {
            connection.ClientId = clientId;
            foreach (var (_, found) in waiters.Where(waiter => waiter.ClientId == clientId))
            {
                found.TrySetResult(connection);
            }
        }
    }

    /// <summary>Starts accepting on <paramref name="started"/>, which becomes the listener (under the lock).</summary>
    private void Listen(TcpListener started)
    {
        listener = started;
        acceptLoops.RemoveAll(task => task.IsCompleted);

        // On the thread pool, away from the caller's synchronization context (xunit's has as many threads as cores):
        // the link's timing must not wait for test code to yield.
        acceptLoops.Add(Task.Run(() => AcceptAsync(started, stopping.Token)));
    }

    /// <summary>Whether <paramref name="candidate"/> is still the listener (it is not once closed or disposed).</summary>
    private bool IsListening(TcpListener candidate)
    {
        lock (gate)
        {
            return ReferenceEquals(listener, candidate);
        }
    }

    private async Task AcceptAsync(TcpListener from, CancellationToken cancellation)
    {
        while (true)
        {
            Socket inbound;
            try
            {
                inbound = await from.AcceptSocketAsync(cancellation);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException
                or InvalidOperationException && (cancellation.IsCancellationRequested || !IsListening(from)))
            {
                // Disposed, or the port was closed: this listener is done.
                return;
            }

            inbound.NoDelay = true;
            switch (NewConnections)
            {
                case NewConnectionMode.Closed:
                    // Accepted just as the port closed: a closed port would have refused it.
                    ProxyConnection.Reset(inbound);
                    continue;
                case NewConnectionMode.Refuse:
                    Interlocked.Increment(ref refusedConnections);
                    ProxyConnection.Reset(inbound);
                    continue;
                case NewConnectionMode.BlackHole:
                    Interlocked.Increment(ref blackHoledConnections);
                    lock (gate)
                    {
                        blackHoled.Add(inbound);

                        // Run apart: the discard loop takes this lock when it ends, possibly at once. Not cancellable
                        // before it starts, so the socket is always closed by the loop.
                        Track(Task.Run(() => DiscardAsync(inbound, cancellation), CancellationToken.None));
                    }

                    continue;
            }

            await ForwardAsync(inbound, cancellation);
        }
    }

    private async Task ForwardAsync(Socket inbound, CancellationToken cancellation)
    {
        var target = TargetPort;
        var outbound = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await outbound.ConnectAsync(IPAddress.Loopback, target, cancellation);
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            // The server is down (or the proxy is closing): refuse the client the way a dead server would.
            ProxyConnection.Reset(inbound);
            outbound.Dispose();
            return;
        }

        lock (gate)
        {
            var connection = new ProxyConnection(
                AcceptedConnections + 1, target, inbound, outbound, context, upstreamProfile, downstreamProfile);
            connections.Add(connection);
            AcceptedConnections++;
            connection.Start();
            Track(ForgetWhenClosedAsync(connection));
        }
    }

    /// <summary>Keeps background work to await on dispose (under the lock); finished work is let go so a long benchmark stays small.</summary>
    private void Track(Task work)
    {
        closings.RemoveAll(task => task.IsCompleted);
        closings.Add(work);
    }

    private async Task ForgetWhenClosedAsync(ProxyConnection connection)
    {
        try
        {
            await connection.Closed;
        }
        finally
        {
            lock (gate)
            {
                connections.Remove(connection);
            }
        }
    }

    private void IdentifyBlackHoled(string clientId)
    {
        lock (gate)
        {
            blackHoledClientIds.Add(clientId);
            foreach (var (_, found) in blackHoleWaiters.Where(waiter => waiter.ClientId == clientId))
            {
                found.TrySetResult();
            }
        }
    }

    /// <summary>
    /// A black hole reads so the client's sends succeed, as they would towards a hung broker; it frames what it
    /// swallows only to learn the client id of a CONNECT.
    /// </summary>
    private async Task DiscardAsync(Socket socket, CancellationToken cancellation)
    {
        var buffer = new byte[4096];
        var framer = new MqttStreamFramer(LinkDirection.Upstream);
        var segments = new List<WireSegment>();
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancellation)) > 0)
            {
                if (framer.IsRaw)
                {
                    continue;
                }

                segments.Clear();
                framer.Feed(buffer.AsSpan(0, read), segments);
                foreach (var clientId in segments.Select(segment => segment.ClientId).OfType<string>())
                {
                    IdentifyBlackHoled(clientId);
                }
            }
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException or OperationCanceledException)
        {
            // Cut, or the client gave up: either way the hole is closed.
        }
        finally
        {
            lock (gate)
            {
                blackHoled.Remove(socket);
            }

            socket.Dispose();
        }
    }
}
