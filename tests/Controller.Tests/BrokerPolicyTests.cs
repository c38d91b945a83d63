using SmartLoudspeaker.Controller.Infrastructure.Broker;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class BrokerPolicyTests
{
    private const string Controller = "controller-0123456789abcdef";

    [Theory]
    [InlineData("node-1", "sl/v1/node/node-1/birth", null)]
    [InlineData("node-1", "sl/v1/node/node-1/death", null)]
    [InlineData("node-1", "sl/v1/node/node-1/health", null)]
    [InlineData("node-1", "sl/v1/node/node-1/event", null)]
    [InlineData("node-1", "sl/v1/node/node-1/ack", null)]
    [InlineData("node-1", "sl/v1/node/node-2/health", "client-id-mismatch")]
    [InlineData("node-1", "sl/v1/node/node-1/cmd", "wrong-direction")]
    [InlineData("node-1", "sl/v1/node/node-1/evack", "wrong-direction")]
    [InlineData("node-1", "sl/v1/controller/state", "not-a-node-topic")]
    [InlineData("node-1", "sl/v1/all/cmd", "not-a-node-topic")]
    [InlineData("node-1", "sl/v1/node/Node-1/health", "not-a-node-topic")]
    [InlineData("node-1", "weather/today", "outside-tree")]
    [InlineData("node-1", "sl/v2/node/node-1/health", "outside-tree")]
    [InlineData(Controller, "sl/v1/controller/state", null)]
    [InlineData(Controller, "sl/v1/node/node-1/evack", null)]
    [InlineData(Controller, "sl/v1/node/node-1/cmd", null)]
    [InlineData(Controller, "sl/v1/zone/thon-1/cmd", null)]
    [InlineData(Controller, "elsewhere", "outside-tree")]
    [InlineData("controller-ffffffffffffffff", "sl/v1/controller/state", "not-a-node-topic")]
    public void Only_the_owner_may_publish_on_its_topics(string clientId, string topic, string? refusal) =>
        Assert.Equal(refusal, BrokerPolicy.Check(clientId, topic, retained: false, Controller));

    [Theory]
    [InlineData("node-1", "sl/v1/node/node-1/birth")]
    [InlineData("node-1", "sl/v1/node/node-1/death")]
    [InlineData("node-1", "sl/v1/node/node-1/health")]
    [InlineData("node-1", "sl/v1/node/NOT_AN_ID/birth")]
    [InlineData(Controller, "sl/v1/node/node-1/birth")]
    [InlineData(Controller, "sl/v1/node/node-1/cmd")]
    public void Nobody_may_publish_retained_on_a_node_topic(string clientId, string topic) =>
        Assert.Equal("retained-node-topic", BrokerPolicy.Check(clientId, topic, retained: true, Controller));

    [Theory]
    [InlineData("sl/v1/controller/state")]
    [InlineData("sl/v1/controller/keys/k-2026")]
    [InlineData("sl/v1/controller/revocations")]
    public void The_controller_still_publishes_its_own_topics_retained(string topic) =>
        Assert.Null(BrokerPolicy.Check(Controller, topic, retained: true, Controller));
}
