using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// Answers a node's clock-sync request with a signed <see cref="ClockSyncReply"/> (docs/security.md, "Authenticated
/// clock"): t2 is when the request arrived, t3 when the reply leaves, both on the Controller's clock. Each reply costs a
/// signature, so replies are rate-limited per node and across the fleet: a flood of requests costs little CPU.
/// </summary>
internal sealed class ClockSyncResponder
{
    private readonly ControllerKeyRing _keys;
    private readonly IMqttPublisher _publisher;
    private readonly SecurityMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly SecurityOptions _options;
    private readonly ILogger<ClockSyncResponder> _logger;
    private readonly Dictionary<string, DateTimeOffset> _lastReply = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private long _windowSecond;
    private int _repliesInWindow;

    public ClockSyncResponder(
        ControllerKeyRing keys,
        IMqttPublisher publisher,
        SecurityMetrics metrics,
        TimeProvider timeProvider,
        IOptions<SecurityOptions> options,
        ILogger<ClockSyncResponder> logger)
    {
        _keys = keys;
        _publisher = publisher;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _options = options.Value;
        _logger = logger;
    }

    /// <summary>Answers <paramref name="request"/> from <paramref name="nodeId"/> (the topic's node), received at <paramref name="t2"/>; false when not answered.</summary>
    public async Task<bool> RespondAsync(string nodeId, ClockSyncRequest request, DateTimeOffset t2, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!Admit(nodeId, t2))
        {
            _metrics.ClockSyncDropped.WithLabels("rate-limited").Inc();
            _logger.LogDebug("Clock-sync request of node {NodeId} dropped: rate limit", nodeId);
            return false;
        }

        var t3 = _timeProvider.GetUtcNow();
        var key = _keys.Current(t3);
        if (key is null)
        {
            _metrics.ClockSyncDropped.WithLabels("no-key").Inc();
            _logger.LogDebug("Clock-sync request of node {NodeId} not answered: no signing key", nodeId);
            return false;
        }

        var reply = key.Signer.Sign(new ClockSyncReply
        {
            Kid = key.Signer.Kid,
            NodeId = nodeId,
            Nonce = request.Nonce,
            T1 = request.T1,
            T2 = t2,
            T3 = t3 < t2 ? t2 : t3,
        });

        // QoS 0: a lost reply is replaced by the node's next request, and a late one would be useless anyway.
        if (!await _publisher.PublishAsync(Topics.ForNode(nodeId, NodeMessageKind.TimeReply), reply, atLeastOnce: false, retain: false, cancellationToken))
        {
            return false;
        }

        _metrics.ClockSyncReplies.Inc();
        return true;
    }

    private bool Admit(string nodeId, DateTimeOffset now)
    {
        lock (_gate)
        {
            var second = now.ToUnixTimeSeconds();
            if (second != _windowSecond)
            {
                _windowSecond = second;
                _repliesInWindow = 0;
                Prune(now);
            }

            if (_repliesInWindow >= _options.ClockSyncMaxPerSecond
                || (_lastReply.TryGetValue(nodeId, out var last) && now - last < _options.ClockSyncMinInterval && now >= last))
            {
                return false;
            }

            _repliesInWindow++;
            _lastReply[nodeId] = now;
            return true;
        }
    }

    /// <summary>Forgets nodes whose last reply is past the per-node interval, so the table holds only recent askers.</summary>
    private void Prune(DateTimeOffset now)
    {
        if (_lastReply.Count < 1024)
        {
            return;
        }

        foreach (var stale in _lastReply.Where(pair => now - pair.Value >= _options.ClockSyncMinInterval).Select(pair => pair.Key).ToList())
        {
            _lastReply.Remove(stale);
        }
    }
}
