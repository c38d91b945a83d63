namespace SmartLoudspeaker.Protocol.Tests;

public sealed class TopicsTests
{
    [Theory]
    [InlineData(NodeMessageKind.Birth, "sl/v1/node/thon-1/birth")]
    [InlineData(NodeMessageKind.Death, "sl/v1/node/thon-1/death")]
    [InlineData(NodeMessageKind.Health, "sl/v1/node/thon-1/health")]
    [InlineData(NodeMessageKind.Event, "sl/v1/node/thon-1/event")]
    [InlineData(NodeMessageKind.EventAck, "sl/v1/node/thon-1/evack")]
    [InlineData(NodeMessageKind.Command, "sl/v1/node/thon-1/cmd")]
    [InlineData(NodeMessageKind.CommandAck, "sl/v1/node/thon-1/ack")]
    public void Every_node_topic_is_built_and_parsed_back(NodeMessageKind kind, string expected)
    {
        var topic = Topics.ForNode("thon-1", kind);

        Assert.Equal(expected, topic);
        Assert.True(Topics.TryParseNodeTopic(topic, out var parsed));
        Assert.Equal(new NodeTopic("thon-1", kind), parsed);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("sl/v1/node/thon-1")]
    [InlineData("sl/v1/node//birth")]
    [InlineData("sl/v1/node/Thon-1/birth")]
    [InlineData("sl/v1/node/thon-1/birth/extra")]
    [InlineData("sl/v1/node/thon-1/unknown")]
    [InlineData("sl/v2/node/thon-1/birth")]
    [InlineData("other/thon-1/birth")]
    public void Topics_outside_the_tree_are_not_parsed(string? topic)
    {
        Assert.False(Topics.TryParseNodeTopic(topic, out _));
    }

    [Fact]
    public void Building_a_topic_for_an_invalid_id_throws()
    {
        Assert.Throws<ArgumentException>(() => Topics.ForNode("a/b", NodeMessageKind.Birth));
        Assert.Throws<ArgumentException>(() => Topics.ForZoneCommands("#"));
    }

    [Fact]
    public void The_controller_subscribes_to_everything_a_node_sends_and_nothing_it_receives()
    {
        Assert.Contains("sl/v1/node/+/birth", Topics.ControllerSubscriptions);
        Assert.Contains("sl/v1/node/+/ack", Topics.ControllerSubscriptions);
        Assert.DoesNotContain(Topics.ControllerSubscriptions, topic => topic.EndsWith("/cmd", StringComparison.Ordinal));
    }
}
