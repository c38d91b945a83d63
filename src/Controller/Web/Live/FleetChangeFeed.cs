using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet;

namespace SmartLoudspeaker.Controller.Web.Live;

/// <summary>
/// The one in-process feed of what changed in the fleet, fanned out to every server-sent-events stream: a node's record
/// replaced in the registry, a command added or answered, a refusal stored. Publishing only hands the change to each
/// subscription's bounded buffer (never waits for a viewer), so a slow phone cannot hold up the registry or the others.
/// </summary>
internal sealed class FleetChangeFeed
{
    private readonly Lock _gate = new();

    /// <summary>Copied on write: publishing (many per second) reads it without a lock; subscribing is rare.</summary>
    private FleetSubscription[] _subscriptions = [];

    public FleetChangeFeed(FleetRegistry fleet, ICommandLog commands, IControlMessageSink control)
    {
        fleet.Changed += NodeChanged;
        commands.Changed += CommandChanged;
        control.RefusalStored += ControlChanged;
    }

    /// <summary>How many streams are open (the benchmark and tests read it).</summary>
    public int Subscribers => Volatile.Read(ref _subscriptions).Length;

    /// <summary>Starts receiving changes; of other nodes too unless <paramref name="onlyNode"/> is given. Dispose to stop.</summary>
    public FleetSubscription Subscribe(string? onlyNode, int capacity = FleetSubscription.DefaultCapacity)
    {
        var subscription = new FleetSubscription(onlyNode, capacity, Unsubscribe);
        lock (_gate)
        {
            _subscriptions = [.. _subscriptions, subscription];
        }

        return subscription;
    }

    private void Unsubscribe(FleetSubscription subscription)
    {
        lock (_gate)
        {
            _subscriptions = _subscriptions.Where(other => !ReferenceEquals(other, subscription)).ToArray();
        }
    }

    private void NodeChanged(NodeState node)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            subscription.OfferNode(node);
        }
    }

    private void CommandChanged(CommandRecord record)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.OnlyNode is { } node && record.Involves(node))
            {
                subscription.OfferControl();
            }
        }
    }

    private void ControlChanged(string nodeId)
    {
        foreach (var subscription in Volatile.Read(ref _subscriptions))
        {
            if (subscription.OnlyNode == nodeId)
            {
                subscription.OfferControl();
            }
        }
    }
}
