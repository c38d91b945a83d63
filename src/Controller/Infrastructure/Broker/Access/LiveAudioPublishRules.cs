using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Live;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Access;

/// <summary>
/// What a publish on a live audio topic must be besides permitted (docs/protocol.md, "Live audio packets"), checked
/// for every sender, the Controller included: QoS 0, because a packet resent late is never played and QoS 1 would
/// have the broker hold and retry up to 17 packets a second for every subscriber; and a payload no larger than a
/// node reads (<see cref="LiveAudioPacketCodec.MaxPacketBytes"/>), so a packet every node would drop unread is not
/// fanned out to the fleet over paid 4G. Retained audio needs no rule of its own: only <c>controller/</c> may be
/// retained (<see cref="BrokerAccessRules.PublishRefusal"/>).
/// </summary>
internal static class LiveAudioPublishRules
{
    /// <summary>Metrics label of an audio publish at QoS 1 or 2.</summary>
    public const string AudioQos = "audio-qos";

    /// <summary>Metrics label of an audio publish whose payload is larger than a live packet may be.</summary>
    public const string AudioTooLarge = "audio-too-large";

    private static readonly string[] AudioTopics =
    [
        Topics.Root + "/node/+/audio/#",
        Topics.Root + "/zone/+/audio/#",
        Topics.Root + "/all/audio/#",
    ];

    /// <summary>True when <paramref name="topic"/> is one of the three live audio topics.</summary>
    public static bool IsAudioTopic(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        return AudioTopics.Any(pattern => TopicPatterns.Matches(pattern, topic));
    }

    /// <summary>Null when a publish on <paramref name="topic"/> of <paramref name="payloadBytes"/> keeps the live audio caps (or is not audio), else the refusal's metrics label.</summary>
    public static string? Refusal(string topic, MqttQualityOfServiceLevel qualityOfService, long payloadBytes)
    {
        if (!IsAudioTopic(topic))
        {
            return null;
        }

        if (qualityOfService != MqttQualityOfServiceLevel.AtMostOnce)
        {
            return AudioQos;
        }

        return payloadBytes > LiveAudioPacketCodec.MaxPacketBytes ? AudioTooLarge : null;
    }
}
