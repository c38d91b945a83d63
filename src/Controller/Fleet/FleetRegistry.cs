using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>
/// The fleet view: every node's latest state in memory, written through to the store. Each change is queued to the
/// store and applied in memory under one lock, so the store receives changes in the order they happened; the
/// returned task completes when the change is durable. If the store fails, memory is ahead of it until the node
/// speaks again (nothing about a node's state is acknowledged to it: a restarted controller asks every node for a
/// fresh birth).
/// </summary>
internal sealed class FleetRegistry
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, NodeState> _nodes = new(StringComparer.Ordinal);
    private readonly IFleetStore _store;
    private readonly ControllerMetrics _metrics;

    public FleetRegistry(IFleetStore store, ControllerMetrics metrics, TimeProvider timeProvider, ILogger<FleetRegistry> logger)
    {
        _store = store;
        _metrics = metrics;
        var now = timeProvider.GetUtcNow();

        // A restarted controller knows its fleet but has heard nobody yet: everyone is offline until they speak
        // (the new controller instance on sl/v1/controller/state makes every connected node send a fresh birth).
        foreach (var node in store.LoadNodes())
        {
            _nodes[node.Id] = node.Online ? node with { Online = false, StateSince = now } : node;
        }

        logger.LogInformation("Fleet view loaded: {Count} known nodes, all offline until they speak", _nodes.Count);
        UpdateGauges();
    }

    /// <summary>Raised after a node's state changed (tests wait on it instead of sleeping).</summary>
    public event Action<NodeState>? Changed;

    public IReadOnlyList<NodeState> Snapshot()
    {
        lock (_gate)
        {
            return _nodes.Values.OrderBy(node => node.Id, StringComparer.Ordinal).ToArray();
        }
    }

    public NodeState? Find(string nodeId)
    {
        lock (_gate)
        {
            return _nodes.GetValueOrDefault(nodeId);
        }
    }

    /// <summary>Applies a birth; the task completes when it is durable.</summary>
    public Task ApplyBirth(NodeBirth birth, DateTimeOffset now)
    {
        lock (_gate)
        {
            var previous = _nodes.GetValueOrDefault(birth.NodeId);
            var node = new NodeState
            {
                Id = birth.NodeId,
                Zones = birth.Zones.ToArray(),
                Software = birth.Software,
                Hardware = birth.Hardware,
                Capabilities = birth.Capabilities.ToArray(),
                HeartbeatSeconds = birth.HeartbeatSeconds,
                BdSeq = birth.BdSeq,
                LastSeen = now,
                Online = true,
                StateSince = previous is { Online: true } ? previous.StateSince : now,
                Health = previous?.Health,
                HealthReceivedAt = previous?.HealthReceivedAt,
            };
            return Commit(node);
        }
    }

    /// <summary>Applies a death; the task completes when what changed is durable.</summary>
    public (DeathOutcome Outcome, Task Stored) ApplyDeath(NodeDeath death, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(death.NodeId, out var current))
            {
                return (DeathOutcome.UnknownNode, Task.CompletedTask);
            }

            if (current.BdSeq != death.BdSeq)
            {
                return (DeathOutcome.StaleSession, Task.CompletedTask);
            }

            if (!current.Online)
            {
                return (DeathOutcome.Applied, Task.CompletedTask);
            }

            return (DeathOutcome.Applied, Commit(current with { Online = false, StateSince = now }));
        }
    }

    /// <summary>
    /// Records a health report; null when the node was never born here (its heartbeat is unknown), else a task that
    /// completes when it is durable.
    /// </summary>
    public Task? ApplyHealth(string nodeId, NodeHealth health, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(nodeId, out var current))
            {
                return null;
            }

            var report = _store.AppendHealthAsync(new HealthRecord(nodeId, now, health));
            var node = current with { LastSeen = now, Health = health, HealthReceivedAt = now };

            // A report from the current session brings back a node that was only silent; one from another session
            // (a birth the controller missed) does not, until that session's birth arrives.
            if (!current.Online && health.BdSeq == current.BdSeq)
            {
                node = node with { Online = true, StateSince = now };
            }

            return Task.WhenAll(report, Commit(node));
        }
    }

    /// <summary>Notes that a known node spoke (event, command acknowledgement).</summary>
    public void Touch(string nodeId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (_nodes.TryGetValue(nodeId, out var current) && current.LastSeen < now)
            {
                // Last-seen is not acknowledged to anyone; a failure shows in the store's status and log.
                _ = Commit(current with { LastSeen = now });
            }
        }
    }

    /// <summary>Forgets a retired node: it leaves the fleet view and the store's registry (its history stays until pruned).</summary>
    public Task Remove(string nodeId)
    {
        lock (_gate)
        {
            if (!_nodes.Remove(nodeId))
            {
                return Task.CompletedTask;
            }

            UpdateGauges();
            return _store.RemoveNodeAsync(nodeId);
        }
    }

    /// <summary>
    /// Marks offline every online node silent for <paramref name="offlineAfterHeartbeats"/> of its heartbeats, the
    /// heartbeat capped at <paramref name="maxHeartbeat"/>; returns the nodes it marked.
    /// </summary>
    public IReadOnlyList<NodeState> Sweep(DateTimeOffset now, double offlineAfterHeartbeats, TimeSpan maxHeartbeat)
    {
        var marked = new List<NodeState>();
        lock (_gate)
        {
            foreach (var current in _nodes.Values.ToArray())
            {
                if (current.Online && Liveness.IsSilent(current.LastSeen, Liveness.Believed(current.Heartbeat, maxHeartbeat), offlineAfterHeartbeats, now))
                {
                    var node = current with { Online = false, StateSince = now };
                    _ = Commit(node);
                    marked.Add(node);
                }
            }
        }

        return marked;
    }

    private Task Commit(NodeState node)
    {
        var stored = _store.SaveNodeAsync(node);
        var stateChanged = !_nodes.TryGetValue(node.Id, out var previous) || previous.Online != node.Online;
        _nodes[node.Id] = node;
        if (stateChanged)
        {
            UpdateGauges();
        }

        Changed?.Invoke(node);
        return stored;
    }

    private void UpdateGauges()
    {
        var online = _nodes.Values.Count(node => node.Online);
        _metrics.NodesByState.WithLabels("online").Set(online);
        _metrics.NodesByState.WithLabels("offline").Set(_nodes.Count - online);
    }
}
