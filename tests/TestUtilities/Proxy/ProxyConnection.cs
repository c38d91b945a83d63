using System.Net.Sockets;

namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// One client connection through a <see cref="LoopbackTcpProxy"/>, so a test can break the link of one node while
/// the others keep theirs. Its faults add to the proxy-wide ones: it flows only when both it and the proxy do.
/// </summary>
public sealed class ProxyConnection
{
    private readonly Socket inbound;
    private readonly Socket outbound;
    private readonly DirectionPump upstream;
    private readonly DirectionPump downstream;
    private readonly TaskCompletionSource cutRequested = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ProxyContext context;

    internal ProxyConnection(
        int id, int targetPort, Socket inbound, Socket outbound, ProxyContext context, LinkProfile upstreamProfile, LinkProfile downstreamProfile)
    {
        Id = id;
        TargetPort = targetPort;
        this.inbound = inbound;
        this.outbound = outbound;
        this.context = context;
        upstream = new DirectionPump(LinkDirection.Upstream, inbound, outbound, this, context, upstreamProfile);
        downstream = new DirectionPump(LinkDirection.Downstream, outbound, inbound, this, context, downstreamProfile);
    }

    /// <summary>Sequence number of the connection within its proxy, from 1, in the order they were accepted.</summary>
    public int Id { get; }

    /// <summary>The client id from the connection's MQTT CONNECT packet; <c>null</c> until one has been read.</summary>
    public string? ClientId { get; internal set; }

    /// <summary>The server port this connection was made to (see <see cref="LoopbackTcpProxy.TargetPort"/>).</summary>
    public int TargetPort { get; }

    /// <summary>Whether bytes move: stalled when this connection or the whole proxy is stalled.</summary>
    public LinkState State => Gate.IsClosed || context.Gate.IsClosed ? LinkState.Stalled : LinkState.Flowing;

    /// <summary>Link profile from client to server; replaced for every connection when the proxy-wide one is set.</summary>
    public LinkProfile UpstreamProfile
    {
        get => upstream.Profile;
        set => upstream.Profile = value;
    }

    /// <summary>Link profile from server to client; replaced for every connection when the proxy-wide one is set.</summary>
    public LinkProfile DownstreamProfile
    {
        get => downstream.Profile;
        set => downstream.Profile = value;
    }

    /// <summary>Client-to-server counters of this connection.</summary>
    public TrafficCounters UpstreamTraffic => upstream.Traffic;

    /// <summary>Server-to-client counters of this connection.</summary>
    public TrafficCounters DownstreamTraffic => downstream.Traffic;

    /// <summary>Completes when both sockets of the connection are closed, by either end or by a cut.</summary>
    public Task Closed { get; private set; } = Task.CompletedTask;

    internal StallGate Gate { get; } = new();

    /// <summary>Stops forwarding on this connection while keeping both its sockets open.</summary>
    public void Stall() => Gate.Close();

    /// <summary>Forwards again on this connection, held bytes first (unless the proxy itself is stalled).</summary>
    public void Resume() => Gate.Open();

    /// <summary>Resets both sockets at once (linger 0): client and server both see a connection reset.</summary>
    public void Cut()
    {
        // The flag goes first: a pump that sees its socket end because of the cut must not take it for an orderly
        // close and pass a FIN on ahead of the reset.
        if (!cutRequested.TrySetResult())
        {
            return;
        }

        Reset(inbound, outbound);
    }

    /// <summary>
    /// Forwards the first half of the next unit in <paramref name="direction"/> (an MQTT control packet, or the next
    /// run of bytes read when the stream is not MQTT), then cuts. Completes when the cut has happened; cancelled if
    /// the connection closes first.
    /// </summary>
    public Task CutMidPacket(LinkDirection direction) =>
        (direction == LinkDirection.Upstream ? upstream : downstream).CutMidPacket();

    /// <summary>Starts forwarding; the proxy calls it once the connection is listed, so no CONNECT can outrun that.</summary>
    internal void Start() => Closed = RunAsync();

    /// <summary>Whether the connection is being cut, so its sockets must end by reset only.</summary>
    internal bool IsCut => cutRequested.Task.IsCompleted;

    /// <summary>Closes with linger 0 (a reset); linger is set on all sockets first so none closes gracefully early.</summary>
    internal static void Reset(params Socket[] sockets)
    {
        foreach (var socket in sockets)
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Already closed: nothing left to reset.
            }
        }

        foreach (var socket in sockets)
        {
            socket.Dispose();
        }
    }

    private async Task RunAsync()
    {
        // Start is called under the proxy's lock: run nothing of the pumps (which call back into the proxy) inside it.
        await Task.Yield();
        using var closing = new CancellationTokenSource();
        var pumps = Task.WhenAll(upstream.RunAsync(closing.Token), downstream.RunAsync(closing.Token));

        // A cut also ends what no socket call would wake: delays, stalls, a full queue.
        await Task.WhenAny(pumps, cutRequested.Task);
        await closing.CancelAsync();
        await pumps;
        upstream.AbandonCut();
        downstream.AbandonCut();
        inbound.Dispose();
        outbound.Dispose();
    }
}
