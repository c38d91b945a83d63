using MQTTnet;
using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Protocol.Outbound;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>One connection: its client, numbers and the lanes that serialise everything it publishes.</summary>
internal sealed class NodeSession(IMqttClient client, int brokerIndex, int bdSeq, long connectionNumber)
{
    /// <summary>Items the live-audio and bulk-media lanes each hold before refusing more (no producer yet).</summary>
    public const int MediaLaneCapacity = 64;

    public IMqttClient Client { get; } = client;

    public int BrokerIndex { get; } = brokerIndex;

    public int BdSeq { get; } = bdSeq;

    /// <summary>What the reports it carries take from it; its seq is touched only by the session's publisher.</summary>
    public ReportContext Report { get; } = new(bdSeq, brokerIndex, connectionNumber);

    public OutboundLanes<SessionWork> Outbound { get; } = new(MediaLaneCapacity);

    /// <summary>The health timer, so a "set-heartbeat" command can change its period.</summary>
    public ITimer? HeartbeatTimer { get; set; }

    /// <summary>Publishes <paramref name="message"/>, never retained; throws when the broker does not accept it.</summary>
    public static Task PublishAsync(IMqttClient client, OutboundMessage message, CancellationToken cancellationToken) =>
        PublishAsync(client, message.Topic, message.Payload, message.Qos, cancellationToken);

    /// <summary>Publishes a payload, never retained; throws when the broker does not accept it.</summary>
    public static async Task PublishAsync(IMqttClient client, string topic, byte[] payload, MqttQualityOfServiceLevel qos, CancellationToken cancellationToken)
    {
        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(qos)
            .WithRetainFlag(false)
            .Build();
        var result = await client.PublishAsync(message, cancellationToken).ConfigureAwait(false);
        if (!result.IsSuccess)
        {
            throw new InvalidOperationException($"The broker did not accept the publish to {topic}: {result.ReasonCode}.");
        }
    }


    /// <summary>Publishes on this session's client (only its publisher calls this).</summary>
    public Task PublishAsync(OutboundMessage message, CancellationToken cancellationToken) => PublishAsync(Client, message, cancellationToken);

    /// <summary>Queues work on the control lane; false once the session has ended.</summary>
    public bool Post(SessionWorkKind work) => Outbound.TryPost(OutboundLane.Control, new SessionWork(work));
}
