using System.Threading.Channels;
using SmartLoudspeaker.Controller.Fleet;

namespace SmartLoudspeaker.Controller.Web.Live;

/// <summary>
/// One stream's buffer of changes not yet sent. Changes of the same node coalesce (only its latest record is kept), so
/// the buffer holds at most <see cref="Capacity"/> nodes; past that it is dropped and the stream told to resync from
/// the fleet view, which costs one snapshot instead of memory without bound. Offering never blocks.
/// </summary>
internal sealed class FleetSubscription : IDisposable
{
    /// <summary>More distinct changed nodes than this waiting for one viewer, and it resyncs instead.</summary>
    public const int DefaultCapacity = 256;

    private readonly Lock _gate = new();
    private readonly Action<FleetSubscription> _unsubscribe;

    /// <summary>At most one wake-up waits: many changes before the stream looks are one wake-up.</summary>
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    private Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private bool _control;
    private bool _resync;
    private int _disposed;

    public FleetSubscription(string? onlyNode, int capacity, Action<FleetSubscription> unsubscribe)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        OnlyNode = onlyNode;
        Capacity = capacity;
        _unsubscribe = unsubscribe;
    }

    /// <summary>The node a node page's stream follows, or null for the whole fleet.</summary>
    public string? OnlyNode { get; }

    public int Capacity { get; }

    public void OfferNode(NodeState node)
    {
        if (OnlyNode is not null && node.Id != OnlyNode)
        {
            return;
        }

        lock (_gate)
        {
            if (_resync)
            {
                return;
            }

            if (_nodes.Count >= Capacity && !_nodes.ContainsKey(node.Id))
            {
                _resync = true;
                _nodes = new(StringComparer.Ordinal);
            }
            else
            {
                _nodes[node.Id] = node;
            }

            // A node page's commands and refusals are worded against its node: a new record may change them too.
            _control |= OnlyNode is not null;
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>The followed node's commands or refusals changed.</summary>
    public void OfferControl()
    {
        lock (_gate)
        {
            _control = true;
        }

        _signal.Writer.TryWrite(true);
    }

    /// <summary>Waits until something was offered or <paramref name="cancellationToken"/> is cancelled.</summary>
    public async ValueTask WaitAsync(CancellationToken cancellationToken)
    {
        await _signal.Reader.WaitToReadAsync(cancellationToken);
        _signal.Reader.TryRead(out _);
    }

    /// <summary>Takes what waits: the changed nodes, whether to resync from the fleet view, whether control changed.</summary>
    public (IReadOnlyCollection<NodeState> Nodes, bool Resync, bool Control) Take()
    {
        lock (_gate)
        {
            var taken = (_nodes.Values, _resync, _control);
            if (_nodes.Count > 0)
            {
                _nodes = new(StringComparer.Ordinal);
            }

            _resync = false;
            _control = false;
            return taken;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _unsubscribe(this);
        }
    }
}
