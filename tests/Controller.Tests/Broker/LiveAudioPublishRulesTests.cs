using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Access;
using SmartLoudspeaker.Protocol.Live;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>The live audio caps as a pure rule: which topics are audio, and what an audio publish may be.</summary>
public sealed class LiveAudioPublishRulesTests
{
    [Theory]
    [InlineData("sl/v1/node/sim-06/audio/s1", true)]
    [InlineData("sl/v1/zone/thon-1/audio/s1", true)]
    [InlineData("sl/v1/all/audio/s1", true)]
    [InlineData("sl/v1/node/sim-06/cmd", false)]
    [InlineData("sl/v1/zone/thon-1/media/m1/0", false)]
    [InlineData("sl/v1/all/cmd", false)]
    [InlineData("sl/v1/controller/state", false)]
    [InlineData("elsewhere/node/x/audio/s1", false)]
    public void The_three_live_audio_topics_are_audio_and_no_other(string topic, bool audio) =>
        Assert.Equal(audio, LiveAudioPublishRules.IsAudioTopic(topic));

    [Theory]
    [InlineData(MqttQualityOfServiceLevel.AtMostOnce, LiveAudioPacketCodec.MaxPacketBytes, null)]
    [InlineData(MqttQualityOfServiceLevel.AtMostOnce, LiveAudioPacketCodec.MaxPacketBytes + 1, "audio-too-large")]
    [InlineData(MqttQualityOfServiceLevel.AtLeastOnce, 100, "audio-qos")]
    [InlineData(MqttQualityOfServiceLevel.ExactlyOnce, 100, "audio-qos")]
    public void An_audio_publish_must_be_QoS_0_and_at_most_a_live_packet(MqttQualityOfServiceLevel qos, int bytes, string? reason) =>
        Assert.Equal(reason, LiveAudioPublishRules.Refusal("sl/v1/all/audio/s1", qos, bytes));

    [Fact]
    public void Other_topics_keep_their_own_rules() =>
        Assert.Null(LiveAudioPublishRules.Refusal("sl/v1/node/sim-06/media/m1/0", MqttQualityOfServiceLevel.AtLeastOnce, 60_000));
}
