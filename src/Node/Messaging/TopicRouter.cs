using System.Buffers;
using System.Threading.Channels;
using MQTTnet;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// Hands each received message to the one route registered for its topic, and derives the subscriptions from the same
/// registrations, so a new message kind is one <see cref="TopicRoute"/>. Each route's size cap is checked before the
/// payload is copied; whatever is refused (no route, too large, malformed, a full queue, a handler that threw) is
/// counted and logged, and nothing that arrives can throw out of <see cref="Dispatch"/>.
/// </summary>
internal sealed class TopicRouter
{
    private readonly string _nodeId;
    private readonly ILogger _logger;
    private readonly IReadOnlyList<TopicRoute> _routes;
    private readonly Dictionary<TopicRoute, Channel<InboundPayload>> _queues = [];
    private long _rejected;

    /// <summary>Creates a router over <paramref name="routes"/>, in the order they are subscribed (and matched).</summary>
    /// <param name="nodeId">Named in every log line.</param>
    /// <param name="routes">One per topic filter; the first match wins.</param>
    /// <param name="logger">Where refusals are logged (the agent's, so one node's story stays in one category).</param>
    public TopicRouter(string nodeId, IEnumerable<TopicRoute> routes, ILogger logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(nodeId);
        ArgumentNullException.ThrowIfNull(routes);
        ArgumentNullException.ThrowIfNull(logger);
        _nodeId = nodeId;
        _logger = logger;
        _routes = [.. routes];
        var duplicate = _routes.GroupBy(r => r.Filter, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Topic filter '{duplicate.Key}' is registered more than once.", nameof(routes));
        }

        foreach (var route in _routes.Where(r => r.QueuedHandler is not null))
        {
            _queues[route] = Channel.CreateBounded<InboundPayload>(
                new BoundedChannelOptions(route.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        }
    }

    /// <summary>The registrations, in subscription order.</summary>
    public IReadOnlyList<TopicRoute> Routes => _routes;

    /// <summary>Messages refused since start.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>One SUBSCRIBE for every route, in registration order (the broker sends retained messages in that order).</summary>
    public MqttClientSubscribeOptions BuildSubscriptions(MqttClientFactory factory)
    {
        ArgumentNullException.ThrowIfNull(factory);
        var builder = factory.CreateSubscribeOptionsBuilder();
        foreach (var route in _routes)
        {
            builder = builder.WithTopicFilter(route.Filter, route.Qos);
        }

        return builder.Build();
    }

    /// <summary>Routes one message. Runs on MQTTnet's receive loop: never blocks, never throws.</summary>
    public void Dispatch(string topic, ReadOnlySequence<byte> payload, bool retained)
    {
        try
        {
            var route = _routes.FirstOrDefault(r => r.Matches(topic));
            if (route is null)
            {
                Reject(topic, "unexpected topic");
                return;
            }

            if (payload.Length > route.MaxPayloadBytes)
            {
                Reject(topic, $"{payload.Length} bytes is over the {route.MaxPayloadBytes}-byte limit");
                return;
            }

            var message = new InboundPayload(topic, payload.ToArray(), retained);
            if (route.InlineHandler is { } inline)
            {
                if (inline(message) is { } reason)
                {
                    Reject(topic, reason);
                }
            }
            else if (!_queues[route].Writer.TryWrite(message))
            {
                Reject(topic, $"its queue is full ({route.QueueCapacity})");
            }
        }
#pragma warning disable CA1031 // Whatever arrives, the receive loop must survive it.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            Failed(topic, exception);
        }
    }

    /// <summary>Runs the workers of the queued routes until <paramref name="stop"/>.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(_queues.Select(pair => Task.Run(() => PumpAsync(pair.Key, pair.Value.Reader, stop), CancellationToken.None)));

    private async Task PumpAsync(TopicRoute route, ChannelReader<InboundPayload> reader, CancellationToken stop)
    {
        try
        {
            await foreach (var message in reader.ReadAllAsync(stop).ConfigureAwait(false))
            {
                try
                {
                    if (await route.QueuedHandler!(message, stop).ConfigureAwait(false) is { } reason)
                    {
                        Reject(message.Topic, reason);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    throw;
                }
#pragma warning disable CA1031 // One bad payload must not stop its route's worker.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    Failed(message.Topic, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopping: whatever still waits is dropped with the node's session.
        }
    }

    private void Reject(string topic, string reason)
    {
        Interlocked.Increment(ref _rejected);
        _logger.LogWarning("Node {NodeId}: ignored message on {Topic}: {Reason}", _nodeId, topic, reason);
    }

    private void Failed(string topic, Exception exception)
    {
        Interlocked.Increment(ref _rejected);
        _logger.LogWarning(exception, "Node {NodeId}: failed to handle a message on {Topic}", _nodeId, topic);
    }
}
