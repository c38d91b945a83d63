using MQTTnet;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// One registration with the <see cref="TopicRouter"/>: the topic filter subscribed to, its QoS, the payload kind and
/// size cap checked before anything is copied, and the handler. An inline handler runs on MQTTnet's receive loop, so
/// it must only decide and hand over (never publish, never block); a queued handler runs on a worker of its own behind
/// a bounded queue, so a slow kind (a media chunk written to disk) holds up no other kind.
/// A handler returns null when it took the message, or the reason it refuses it (counted and logged by the router).
/// </summary>
internal sealed class TopicRoute
{
    private TopicRoute(
        string filter,
        MqttQualityOfServiceLevel qos,
        PayloadKind kind,
        int? maxPayloadBytes,
        int queueCapacity,
        Func<InboundPayload, string?>? inline,
        Func<InboundPayload, CancellationToken, ValueTask<string?>>? queued)
    {
        ValidateFilter(filter);
        Filter = filter;
        Qos = qos;
        Kind = kind;
        MaxPayloadBytes = kind switch
        {
            PayloadKind.Json when maxPayloadBytes is null => WireSchema.MaxJsonPayloadBytes,
            PayloadKind.Json when maxPayloadBytes is > 0 and <= WireSchema.MaxJsonPayloadBytes => maxPayloadBytes.Value,
            PayloadKind.Json => throw new ArgumentOutOfRangeException(
                nameof(maxPayloadBytes), maxPayloadBytes, $"A JSON route's cap is 1–{WireSchema.MaxJsonPayloadBytes} bytes."),

            // No default: each binary kind (an audio packet, a media chunk) knows its own largest frame.
            PayloadKind.Binary when maxPayloadBytes is > 0 => maxPayloadBytes.Value,
            PayloadKind.Binary => throw new ArgumentOutOfRangeException(
                nameof(maxPayloadBytes), maxPayloadBytes, "A binary route needs a positive cap of its own."),
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown payload kind."),
        };
        QueueCapacity = queueCapacity;
        InlineHandler = inline;
        QueuedHandler = queued;
    }

    /// <summary>The MQTT topic filter (may hold <c>+</c> and a final <c>#</c>).</summary>
    public string Filter { get; }

    /// <summary>The QoS subscribed with.</summary>
    public MqttQualityOfServiceLevel Qos { get; }

    /// <summary>JSON or binary.</summary>
    public PayloadKind Kind { get; }

    /// <summary>Payloads longer than this are refused before they are copied.</summary>
    public int MaxPayloadBytes { get; }

    /// <summary>0 for an inline route; otherwise how many payloads may wait for the handler before new ones are refused.</summary>
    public int QueueCapacity { get; }

    internal Func<InboundPayload, string?>? InlineHandler { get; }

    internal Func<InboundPayload, CancellationToken, ValueTask<string?>>? QueuedHandler { get; }

    /// <summary>A route whose handler runs on the receive loop (it must be quick and must not publish).</summary>
    public static TopicRoute Inline(
        string filter, MqttQualityOfServiceLevel qos, PayloadKind kind, Func<InboundPayload, string?> handler, int? maxPayloadBytes = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        return new TopicRoute(filter, qos, kind, maxPayloadBytes, 0, handler, null);
    }

    /// <summary>A route whose handler runs on its own worker behind a queue of <paramref name="queueCapacity"/> payloads.</summary>
    public static TopicRoute Queued(
        string filter,
        MqttQualityOfServiceLevel qos,
        PayloadKind kind,
        int queueCapacity,
        Func<InboundPayload, CancellationToken, ValueTask<string?>> handler,
        int? maxPayloadBytes = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        return new TopicRoute(filter, qos, kind, maxPayloadBytes, queueCapacity, null, handler);
    }

    /// <summary>MQTT matching: <c>+</c> is one whole level, a final <c>#</c> the rest (the parent level included).</summary>
    /// <remarks>MQTTnet's own comparer: it allocates nothing, and every received message passes through here.</remarks>
    public bool Matches(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return MqttTopicFilterComparer.Compare(topic, Filter) == MqttTopicFilterCompareResult.IsMatch;
    }

    private static void ValidateFilter(string filter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(filter);
        var levels = filter.Split('/');
        for (var i = 0; i < levels.Length; i++)
        {
            var level = levels[i];
            var wildcard = level is "+" or "#";
            if ((!wildcard && (level.Contains('+', StringComparison.Ordinal) || level.Contains('#', StringComparison.Ordinal)))
                || (level == "#" && i != levels.Length - 1))
            {
                throw new ArgumentException($"'{filter}' is not a valid MQTT topic filter.", nameof(filter));
            }
        }
    }
}
