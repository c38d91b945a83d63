using MQTTnet.Protocol;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.TestUtilities.Proxy;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>Publishes held back by topic, overtaken by the rest, against a real in-process broker and real clients.</summary>
public sealed class TopicHoldTests
{
    [Theory]
    [InlineData("sl/v1/zone/+/cmd", "sl/v1/zone/thon-3/cmd", true)]
    [InlineData("sl/v1/zone/+/cmd", "sl/v1/zone/thon-3/cmd/x", false)]
    [InlineData("sl/v1/zone/+/cmd", "sl/v1/node/thon-3/cmd", false)]
    [InlineData("sl/v1/#", "sl/v1", true)]
    [InlineData("sl/v1/#", "sl/v1/all/cmd", true)]
    [InlineData("#", "$SYS/broker/uptime", false)]
    [InlineData("$SYS/#", "$SYS/broker/uptime", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "a/bc", false)]
    [InlineData("+/+", "a", false)]
    public void A_topic_filter_matches_by_the_rules_of_mqtt(string filter, string topic, bool matches)
    {
        Assert.Equal(matches, new TopicHold(filter, TimeSpan.Zero).Matches(topic));
    }

    [Theory]
    [InlineData("a/#/b")]
    [InlineData("a#")]
    [InlineData("")]
    public void A_filter_that_is_not_one_is_refused(string filter)
    {
        Assert.ThrowsAny<ArgumentException>(() => new TopicHold(filter, TimeSpan.Zero));
    }

    [Fact]
    public async Task Held_topics_are_overtaken_by_later_publishes_and_each_arrives_once_its_own_hold_is_over()
    {
        var clock = new FakeTimeProvider();
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port, clock);
        await using var subscriber = await MqttProbe.ConnectAsync(broker.Port, "subscriber", "#");
        await using var publisher = await MqttProbe.ConnectAsync(proxy.Port, "publisher");
        proxy.UpstreamProfile = new LinkProfile
        {
            Holds = [new TopicHold("slower/#", TimeSpan.FromMilliseconds(900)), new TopicHold("slow/+", TimeSpan.FromMilliseconds(300))],
        };

        // QoS 0 is on the wire when its publish returns, so the proxy reads these before what follows on the stream.
        await publisher.PublishAsync("slower/a", [1], qos: MqttQualityOfServiceLevel.AtMostOnce);
        await publisher.PublishAsync("slow/b", [2], qos: MqttQualityOfServiceLevel.AtMostOnce);
        await publisher.PublishAsync("fast/c", [3]);
        await subscriber.WaitForTopicAsync("fast/c", Limits.Prompt);
        Assert.Equal(2, proxy.UpstreamTraffic.PublishesHeld);

        clock.Advance(TimeSpan.FromMilliseconds(300));
        await subscriber.WaitForTopicAsync("slow/b", Limits.Prompt);
        await publisher.PublishAsync("fast/d", [4]);
        await subscriber.WaitForTopicAsync("fast/d", Limits.Prompt);
        clock.Advance(TimeSpan.FromMilliseconds(600));
        await subscriber.WaitForTopicAsync("slower/a", Limits.Prompt);

        Assert.Equal(["fast/c", "slow/b", "fast/d", "slower/a"], subscriber.Received.Select(message => message.Topic));
        Assert.Empty(broker.Errors);
    }

    [Fact]
    public async Task A_held_qos1_publish_is_acknowledged_after_later_ones_and_the_broker_takes_the_packet_ids_out_of_order()
    {
        var clock = new FakeTimeProvider();
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port, clock);
        await using var subscriber = await MqttProbe.ConnectAsync(broker.Port, "subscriber", "#");
        await using var publisher = await MqttProbe.ConnectAsync(proxy.Port, "publisher");
        proxy.UpstreamProfile = new LinkProfile { Holds = [new TopicHold("held/#", TimeSpan.FromSeconds(5))] };

        var held = publisher.PublishAsync("held/x", [1]);
        await publisher.PublishAsync("free/y", [2]);
        await subscriber.WaitForTopicAsync("free/y", Limits.Prompt);
        Assert.False(held.IsCompleted);

        clock.Advance(TimeSpan.FromSeconds(5));
        await held.WaitAsync(Limits.Prompt);
        await subscriber.WaitForTopicAsync("held/x", Limits.Prompt);
        Assert.Equal(["free/y", "held/x"], subscriber.Received.Select(message => message.Topic));
        Assert.Empty(broker.Errors);
    }

    [Fact]
    public async Task Jitter_on_a_hold_reorders_publishes_of_one_topic_and_loses_none()
    {
        await using var broker = await EmbeddedTestBroker.StartAsync();
        await using var proxy = new LoopbackTcpProxy(broker.Port, random: new Random(7));
        await using var subscriber = await MqttProbe.ConnectAsync(proxy.Port, "subscriber", "zone/#");
        await using var publisher = await MqttProbe.ConnectAsync(broker.Port, "publisher");
        proxy.DownstreamProfile = new LinkProfile { Holds = [new TopicHold("zone/+", TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(150))] };
        const int Count = 40;

        for (var i = 0; i < Count; i++)
        {
            await publisher.PublishAsync("zone/thon-1", [(byte)i]);
        }

        var seen = 0;
        await subscriber.WaitForAsync(_ => ++seen >= Count, Limits.Prompt);

        var order = subscriber.Received.Select(message => (int)message.Payload[0]).ToList();
        Assert.Equal(Enumerable.Range(0, Count), order.Order());
        Assert.NotEqual(Enumerable.Range(0, Count), order);
        Assert.Equal(Count, proxy.DownstreamTraffic.PublishesHeld);
        Assert.Empty(broker.Errors);
    }
}
