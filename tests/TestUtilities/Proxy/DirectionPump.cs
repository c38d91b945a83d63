using System.Net.Sockets;
using System.Threading.Channels;

namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// One direction of a connection. A reader frames what arrives, drops what the profile drops, sets aside the publishes
/// a topic hold holds (each joins the queue when its hold is over) and stamps the rest with its delay; a writer sends
/// units strictly in queue order when they are due, the link flows and the bandwidth allows. Reading and writing are
/// separate so a delayed link still carries many units in flight, as a slow network does.
/// </summary>
internal sealed class DirectionPump
{
    // Enough units in flight for a long delay, yet a bound: a sender facing a stalled link eventually sees backpressure.
    private const int QueueCapacity = 1024;

    // A bandwidth cap sends in slices of about 20 ms worth of bytes so the rate is smooth, not one burst per second.
    private const int SlicesPerSecond = 50;

    private static readonly TimeSpan CatchUpWindow = TimeSpan.FromMilliseconds(100);

    private readonly LinkDirection direction;
    private readonly Socket source;
    private readonly Socket sink;
    private readonly ProxyConnection connection;
    private readonly ProxyContext context;
    private readonly TrafficMeter meter = new();
    private readonly MqttStreamFramer framer;
    private readonly Lock sync = new();
    private readonly Channel<Pending> queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(QueueCapacity) { SingleReader = true, SingleWriter = false });

    // Publishes set aside by a topic hold, not yet in the queue; the sender's orderly close waits for them.
    private readonly List<Task> held = [];

    private TaskCompletionSource? midPacketCut;
    private long busyUntil;

    public DirectionPump(
        LinkDirection direction, Socket source, Socket sink, ProxyConnection connection, ProxyContext context, LinkProfile profile)
    {
        this.direction = direction;
        this.source = source;
        this.sink = sink;
        this.connection = connection;
        this.context = context;
        framer = new MqttStreamFramer(direction);
        Profile = profile;
    }

    public LinkProfile Profile
    {
        get => Volatile.Read(ref field);
        set => Volatile.Write(ref field, value ?? throw new ArgumentNullException(nameof(value)));
    }

    public TrafficCounters Traffic => meter.Snapshot();

    public Task RunAsync(CancellationToken cancellation) => Task.WhenAll(ReadAsync(cancellation), WriteAsync(cancellation));

    /// <summary>Arms a cut after half of the next unit; the task completes once the connection is reset.</summary>
    public Task CutMidPacket()
    {
        lock (sync)
        {
            midPacketCut ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return midPacketCut.Task;
        }
    }

    /// <summary>The connection ended before a mid-packet cut could happen.</summary>
    public void AbandonCut()
    {
        lock (sync)
        {
            midPacketCut?.TrySetCanceled();
        }
    }

    private static bool IsLinkFailure(Exception exception) =>
        exception is SocketException or ObjectDisposedException or OperationCanceledException;

    private async Task ReadAsync(CancellationToken cancellation)
    {
        var buffer = new byte[16 * 1024];
        var segments = new List<WireSegment>();
        try
        {
            while (true)
            {
                var read = await source.ReceiveAsync(buffer.AsMemory(), SocketFlags.None, cancellation);
                segments.Clear();
                if (read == 0)
                {
                    framer.Flush(segments);
                    await EnqueueAsync(segments, cancellation);
                    await Task.WhenAll(TakeHeld());
                    break;
                }

                framer.Feed(buffer.AsSpan(0, read), segments);
                await EnqueueAsync(segments, cancellation);
            }

            queue.Writer.TryComplete();
        }
        catch (Exception exception) when (IsLinkFailure(exception))
        {
            // One side broke: the other side must learn it the same way, by a reset.
            queue.Writer.TryComplete();
            connection.Cut();
        }
    }

    private async Task EnqueueAsync(List<WireSegment> segments, CancellationToken cancellation)
    {
        var readAt = context.Time.GetTimestamp();
        var profile = Profile;
        foreach (var segment in segments)
        {
            if (segment.ClientId is { } clientId)
            {
                context.Identified(connection, clientId);
            }

            if (segment.IsQos0Publish && profile.DropQos0Probability > 0
                && (profile.DropQos0Probability >= 1 || context.NextDouble() < profile.DropQos0Probability))
            {
                meter.AddDrop();
                context.For(direction).AddDrop();
                continue;
            }

            if (segment.Topic is { } topic && profile.Holds.FirstOrDefault(candidate => candidate.Matches(topic)) is { } rule)
            {
                meter.AddHeld();
                context.For(direction).AddHeld();
                var hold = Vary(rule.Delay, rule.Jitter);
                lock (sync)
                {
                    held.RemoveAll(task => task.IsCompleted);
                    held.Add(ReleaseAsync(new Pending(segment, readAt, hold + DelayFor(profile)), hold, cancellation));
                }

                continue;
            }

            await queue.Writer.WriteAsync(new Pending(segment, readAt, DelayFor(profile)), cancellation);
        }
    }

    /// <summary>Puts a held publish in the queue once its hold is over; lost, like the rest, if the link breaks first.</summary>
    private async Task ReleaseAsync(Pending pending, TimeSpan hold, CancellationToken cancellation)
    {
        try
        {
            await context.WaitUntilAsync(pending.ReadAt, hold, cancellation);
            await queue.Writer.WriteAsync(pending, cancellation);
        }
        catch (Exception exception) when (exception is OperationCanceledException or ChannelClosedException)
        {
            // The connection was cut or closed while this was held: it never arrives, as on a broken link.
        }
    }

    private Task[] TakeHeld()
    {
        lock (sync)
        {
            Task[] waiting = [.. held];
            held.Clear();
            return waiting;
        }
    }

    private TimeSpan DelayFor(LinkProfile profile) => Vary(profile.Delay, profile.Jitter);

    private TimeSpan Vary(TimeSpan delay, TimeSpan jitter)
    {
        if (jitter == TimeSpan.Zero)
        {
            return delay;
        }

        var varied = delay + (jitter * ((2 * context.NextDouble()) - 1));
        return varied > TimeSpan.Zero ? varied : TimeSpan.Zero;
    }

    private async Task WriteAsync(CancellationToken cancellation)
    {
        try
        {
            await foreach (var pending in queue.Reader.ReadAllAsync(cancellation))
            {
                await context.WaitUntilAsync(pending.ReadAt, pending.Delay, cancellation);
                var bytes = pending.Segment.Bytes.AsMemory();
                if (TakeMidPacketCut() is { } cut)
                {
                    await SendAsync(bytes[..(bytes.Length / 2)], cancellation);
                    connection.Cut();
                    cut.TrySetResult();
                    return;
                }

                if (pending.Segment.PacketType is not null)
                {
                    meter.AddPacket();
                    context.For(direction).AddPacket();
                }

                await SendAsync(bytes, cancellation);
            }

            // The sender closed its side: pass the half-close on, the other direction may still carry data.
            if (!connection.IsCut)
            {
                sink.Shutdown(SocketShutdown.Send);
            }
        }
        catch (Exception exception) when (IsLinkFailure(exception))
        {
            connection.Cut();
        }
    }

    private TaskCompletionSource? TakeMidPacketCut()
    {
        lock (sync)
        {
            var cut = midPacketCut;
            midPacketCut = null;
            return cut;
        }
    }

    private async Task SendAsync(ReadOnlyMemory<byte> bytes, CancellationToken cancellation)
    {
        while (!bytes.IsEmpty)
        {
            await WhenFlowingAsync(cancellation);
            var rate = Profile.BytesPerSecond;
            var slice = rate is { } capped ? (int)Math.Clamp(capped / SlicesPerSecond, 1, bytes.Length) : bytes.Length;
            if (rate is { } bytesPerSecond)
            {
                await PaceAsync(slice, bytesPerSecond, cancellation);
            }

            meter.AddBytes(slice);
            context.For(direction).AddBytes(slice);
            var sending = bytes[..slice];
            while (!sending.IsEmpty)
            {
                sending = sending[await sink.SendAsync(sending, SocketFlags.None, cancellation)..];
            }

            bytes = bytes[slice..];
        }
    }

    /// <summary>Waits until the link is free, then books it for the time <paramref name="count"/> bytes take.</summary>
    private async Task PaceAsync(int count, long bytesPerSecond, CancellationToken cancellation)
    {
        var now = context.Time.GetTimestamp();

        // The link may be booked up to CatchUpWindow in the past: a timer that woke late is made up for by the next
        // slices instead of slowing the whole transfer, and an idle link earns no more burst than that window.
        var start = Math.Max(busyUntil, now - (long)(CatchUpWindow.TotalSeconds * context.Time.TimestampFrequency));
        if (start > now)
        {
            await context.WaitUntilAsync(now, context.Time.GetElapsedTime(now, start), cancellation);
        }

        busyUntil = start + (count * context.Time.TimestampFrequency / bytesPerSecond);
    }

    private async Task WhenFlowingAsync(CancellationToken cancellation)
    {
        while (true)
        {
            var proxyOpen = context.Gate.WhenOpen;
            var connectionOpen = connection.Gate.WhenOpen;
            if (proxyOpen.IsCompleted && connectionOpen.IsCompleted)
            {
                return;
            }

            await Task.WhenAll(proxyOpen, connectionOpen).WaitAsync(cancellation);
        }
    }

    private sealed record Pending(WireSegment Segment, long ReadAt, TimeSpan Delay);
}
