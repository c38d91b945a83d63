using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace SmartLoudspeaker.Protocol.Outbound;

/// <summary>
/// The one queue in front of a connection's publisher, on the node and on the Controller: items wait in their
/// <see cref="OutboundLane"/> and the single reader always takes from the most urgent lane that holds any. Every lane
/// can refuse items beyond its capacity, so a stalled link costs bounded memory and the producer decides what to drop
/// or retry. The node leaves its control lane unbounded (its producers are few and each is bounded: timers, the
/// control worker's acknowledgements); the Controller, whose producers grow with the fleet, bounds it too.
/// </summary>
/// <typeparam name="T">What the publisher consumes (a ready message, or work that composes one when its turn comes).</typeparam>
public sealed class OutboundLanes<T>
{
    private static readonly int LaneCount = Enum.GetValues<OutboundLane>().Length;

    private readonly Lock _gate = new();
    private readonly Queue<T>[] _lanes;
    private readonly int _mediaLaneCapacity;
    private readonly int _controlLaneCapacity;

    // One token per item posted: the reader waits here instead of on each lane, so nothing is left waiting on an idle lane.
    private readonly Channel<bool> _available = Channel.CreateUnbounded<bool>(new UnboundedChannelOptions { SingleReader = true });
    private bool _completed;

    /// <summary>
    /// Creates empty lanes; the audio and media lanes each hold at most <paramref name="mediaLaneCapacity"/> items, the
    /// control lane at most <paramref name="controlLaneCapacity"/> (unbounded unless given).
    /// </summary>
    public OutboundLanes(int mediaLaneCapacity, int controlLaneCapacity = int.MaxValue)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mediaLaneCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(controlLaneCapacity, 1);
        _mediaLaneCapacity = mediaLaneCapacity;
        _controlLaneCapacity = controlLaneCapacity;
        _lanes = [.. Enumerable.Range(0, LaneCount).Select(_ => new Queue<T>())];
    }

    /// <summary>Items waiting in <paramref name="lane"/>.</summary>
    public int Count(OutboundLane lane)
    {
        lock (_gate)
        {
            return _lanes[(int)lane].Count;
        }
    }

    /// <summary>Queues <paramref name="item"/>; false when the lanes are closed or a bounded lane is full.</summary>
    public bool TryPost(OutboundLane lane, T item)
    {
        lock (_gate)
        {
            var queue = _lanes[(int)lane];
            if (_completed || queue.Count >= (lane == OutboundLane.Control ? _controlLaneCapacity : _mediaLaneCapacity))
            {
                return false;
            }

            queue.Enqueue(item);
        }

        _available.Writer.TryWrite(true);
        return true;
    }

    /// <summary>The items in priority order as they become available, until <see cref="Complete"/> or cancellation.</summary>
    public async IAsyncEnumerable<T> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var _ in _available.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (TryTake(out var item))
            {
                yield return item;
            }
        }
    }

    /// <summary>Closes the lanes (later posts are refused) and returns what was still waiting, so its owners can be told.</summary>
    public IReadOnlyList<T> Complete()
    {
        List<T> left = [];
        lock (_gate)
        {
            _completed = true;
            foreach (var queue in _lanes)
            {
                left.AddRange(queue);
                queue.Clear();
            }
        }

        _available.Writer.TryComplete();
        return left;
    }

    private bool TryTake(out T item)
    {
        lock (_gate)
        {
            foreach (var queue in _lanes)
            {
                if (queue.TryDequeue(out item!))
                {
                    return true;
                }
            }
        }

        item = default!;
        return false;
    }
}
