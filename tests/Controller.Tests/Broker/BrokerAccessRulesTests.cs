using SmartLoudspeaker.Controller.Infrastructure.Broker.Access;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>docs/protocol.md's "Who may publish and subscribe where", as the one rule source of both brokers.</summary>
public sealed class BrokerAccessRulesTests
{
    private static readonly BrokerAccount Controller = new("controller", BrokerAccountKind.Controller, "$7$unused", []);
    private static readonly BrokerAccount Node = new("node-1", BrokerAccountKind.Node, "$7$unused", ["thon-1", "xa-a"]);
    private static readonly BrokerAccount Observer = new("observer", BrokerAccountKind.Observer, "$7$unused", []);
    private static readonly BrokerAccount Enrolment = new("enrol", BrokerAccountKind.Enrolment, "$7$unused", []);

    [Theory]
    [InlineData("sl/v1/node/node-1/birth", null)]
    [InlineData("sl/v1/node/node-1/death", null)]
    [InlineData("sl/v1/node/node-1/health", null)]
    [InlineData("sl/v1/node/node-1/event", null)]
    [InlineData("sl/v1/node/node-1/ack", null)]
    [InlineData("sl/v1/node/node-1/time-req", null)]
    [InlineData("sl/v1/node/node-1/media-req", null)]
    [InlineData("sl/v1/node/node-2/health", "publish-not-permitted")]
    [InlineData("sl/v1/node/node-1/cmd", "publish-not-permitted")]
    [InlineData("sl/v1/node/node-1/evack", "publish-not-permitted")]
    [InlineData("sl/v1/node/node-1/time-resp", "publish-not-permitted")]
    [InlineData("sl/v1/node/node-1/audio/s1", "publish-not-permitted")]
    [InlineData("sl/v1/controller/state", "publish-not-permitted")]
    [InlineData("sl/v1/controller/keys/k-1", "publish-not-permitted")]
    [InlineData("sl/v1/all/cmd", "publish-not-permitted")]
    [InlineData("sl/v1/zone/thon-1/cmd", "publish-not-permitted")]
    [InlineData("sl/v1/enrol/node-1/status", "publish-not-permitted")]
    [InlineData("sl/v1/node/node-1/birth/extra", "publish-not-permitted")]
    [InlineData("weather/today", "outside-tree")]
    [InlineData("sl/v2/node/node-1/health", "outside-tree")]
    public void A_node_publishes_only_its_own_upward_topics(string topic, string? refusal) =>
        Assert.Equal(refusal, BrokerAccessRules.PublishRefusal(Node, topic, retained: false));

    [Theory]
    [InlineData("sl/v1/node/node-1/cmd", null)]
    [InlineData("sl/v1/node/node-1/evack", null)]
    [InlineData("sl/v1/node/node-9/time-resp", null)]
    [InlineData("sl/v1/node/node-1/media/m1/3", null)]
    [InlineData("sl/v1/zone/thon-1/cmd", null)]
    [InlineData("sl/v1/zone/thon-1/audio/s1", null)]
    [InlineData("sl/v1/all/cmd", null)]
    [InlineData("sl/v1/all/media/m1/0", null)]
    [InlineData("sl/v1/enrol/node-1/status", null)]
    [InlineData("sl/v1/node/node-1/birth", "publish-not-permitted")]
    [InlineData("sl/v1/node/node-1/health", "publish-not-permitted")]
    [InlineData("sl/v1/enrol/node-1/request", "publish-not-permitted")]
    [InlineData("elsewhere", "outside-tree")]
    public void The_controller_publishes_downward_topics_only(string topic, string? refusal) =>
        Assert.Equal(refusal, BrokerAccessRules.PublishRefusal(Controller, topic, retained: false));

    [Theory]
    [InlineData("sl/v1/controller/state")]
    [InlineData("sl/v1/controller/keys/k-2026")]
    [InlineData("sl/v1/controller/revocations")]
    public void The_controller_still_publishes_its_own_topics_retained(string topic) =>
        Assert.Null(BrokerAccessRules.PublishRefusal(Controller, topic, retained: true));

    [Theory]
    [InlineData("node-1", "sl/v1/node/node-1/birth")]
    [InlineData("node-1", "sl/v1/node/node-1/death")]
    [InlineData("node-1", "sl/v1/node/node-1/health")]
    [InlineData("node-1", "sl/v1/node/NOT_AN_ID/birth")]
    [InlineData("controller", "sl/v1/node/node-1/birth")]
    [InlineData("controller", "sl/v1/node/node-1/cmd")]
    public void Nobody_may_publish_retained_on_a_node_topic(string username, string topic) =>
        Assert.Equal("retained-node-topic", BrokerAccessRules.PublishRefusal(username == "controller" ? Controller : Node, topic, retained: true));

    [Theory]
    [InlineData("sl/v1/zone/thon-1/cmd")]
    [InlineData("sl/v1/all/cmd")]
    [InlineData("sl/v1/enrol/node-1/status")]
    public void Only_the_controller_topics_are_ever_retained(string topic) =>
        Assert.Equal("retained", BrokerAccessRules.PublishRefusal(Controller, topic, retained: true));

    [Theory]
    [InlineData("sl/v1/node/node-1/cmd", true)]
    [InlineData("sl/v1/node/node-1/evack", true)]
    [InlineData("sl/v1/node/node-1/time-resp", true)]
    [InlineData("sl/v1/node/node-1/audio/#", true)]
    [InlineData("sl/v1/node/node-1/audio/+", true)]
    [InlineData("sl/v1/node/node-1/media/m1/+", true)]
    [InlineData("sl/v1/zone/thon-1/cmd", true)]
    [InlineData("sl/v1/zone/xa-a/audio/#", true)]
    [InlineData("sl/v1/all/cmd", true)]
    [InlineData("sl/v1/controller/state", true)]
    [InlineData("sl/v1/controller/keys/+", true)]
    [InlineData("sl/v1/controller/#", true)]
    [InlineData("sl/v1/node/node-2/cmd", false)]
    [InlineData("sl/v1/node/+/cmd", false)]
    [InlineData("sl/v1/node/node-1/+", false)]
    [InlineData("sl/v1/node/node-1/#", false)]
    [InlineData("sl/v1/node/node-1/health", false)]
    [InlineData("sl/v1/zone/thon-2/cmd", false)]
    [InlineData("sl/v1/zone/+/cmd", false)]
    [InlineData("sl/v1/#", false)]
    [InlineData("#", false)]
    [InlineData("sl/v1/+/node-1/cmd", false)]
    [InlineData("sl/v1/enrol/node-1/status", false)]
    public void A_node_subscribes_only_to_its_own_its_zones_and_the_fleets_downward_topics(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerAccessRules.MaySubscribe(Node, filter));

    [Theory]
    [InlineData("sl/v1/#", true)]
    [InlineData("sl/v1/node/+/health", true)]
    [InlineData("sl/v1", true)]
    [InlineData("#", false)]
    [InlineData("+/v1/#", false)]
    [InlineData("other/#", false)]
    public void The_observer_reads_the_whole_tree_and_nothing_else(string filter, bool allowed) =>
        Assert.Equal(allowed, BrokerAccessRules.MaySubscribe(Observer, filter));

    [Theory]
    [InlineData("sl/v1/node/node-1/birth")]
    [InlineData("sl/v1/node/node-1/cmd")]
    [InlineData("sl/v1/controller/state")]
    [InlineData("sl/v1/enrol/node-1/request")]
    public void The_observer_publishes_nothing(string topic) =>
        Assert.Equal("publish-not-permitted", BrokerAccessRules.PublishRefusal(Observer, topic, retained: false));

    [Fact]
    public void The_enrolment_account_is_bound_to_the_node_id_of_its_client_id()
    {
        var nodeId = BrokerAccessRules.EnrollingNodeId("enrol-node-7");
        Assert.Equal("node-7", nodeId);
        Assert.True(BrokerAccessRules.MayPublish(Enrolment, "sl/v1/enrol/node-7/request", retained: false, nodeId));
        Assert.False(BrokerAccessRules.MayPublish(Enrolment, "sl/v1/enrol/node-8/request", retained: false, nodeId));
        Assert.False(BrokerAccessRules.MayPublish(Enrolment, "sl/v1/enrol/node-7/status", retained: false, nodeId));
        Assert.False(BrokerAccessRules.MayPublish(Enrolment, "sl/v1/node/node-7/birth", retained: false, nodeId));
        Assert.True(BrokerAccessRules.MaySubscribe(Enrolment, "sl/v1/enrol/node-7/status", nodeId));
        Assert.False(BrokerAccessRules.MaySubscribe(Enrolment, "sl/v1/enrol/+/status", nodeId));
        Assert.False(BrokerAccessRules.MaySubscribe(Enrolment, "sl/v1/enrol/node-8/status", nodeId));
    }

    [Theory]
    [InlineData("enrol")]
    [InlineData("enrol-")]
    [InlineData("enrol-Node_7")]
    [InlineData("node-7")]
    [InlineData(null)]
    public void A_client_id_that_names_no_node_id_binds_no_enrolment(string? clientId) =>
        Assert.Null(BrokerAccessRules.EnrollingNodeId(clientId));

    [Fact]
    public void A_node_account_whose_name_or_zone_would_widen_its_list_gets_nothing()
    {
        Assert.Empty(BrokerAccessRules.For(Node with { Username = "+" }));
        Assert.Empty(BrokerAccessRules.For(Node with { Zones = ["#"] }));
        Assert.Empty(BrokerAccessRules.For(Node with { Zones = ["a/b"] }));
        Assert.False(BrokerAccessRules.MaySubscribe(Node with { Zones = ["+"] }, "sl/v1/zone/other/cmd"));
    }

    [Fact]
    public void The_node_list_is_the_protocol_tables_row()
    {
        var lines = BrokerAccessRules.For(Node with { Zones = ["thon-1"] }).Select(entry => $"{entry.Access} {entry.Pattern}");
        Assert.Equal(
            [
                "Publish sl/v1/node/node-1/birth", "Publish sl/v1/node/node-1/death", "Publish sl/v1/node/node-1/health",
                "Publish sl/v1/node/node-1/event", "Publish sl/v1/node/node-1/ack", "Publish sl/v1/node/node-1/time-req",
                "Publish sl/v1/node/node-1/media-req",
                "Subscribe sl/v1/node/node-1/cmd", "Subscribe sl/v1/node/node-1/evack", "Subscribe sl/v1/node/node-1/time-resp",
                "Subscribe sl/v1/node/node-1/audio/#", "Subscribe sl/v1/node/node-1/media/#",
                "Subscribe sl/v1/zone/thon-1/cmd", "Subscribe sl/v1/zone/thon-1/audio/#", "Subscribe sl/v1/zone/thon-1/media/#",
                "Subscribe sl/v1/all/cmd", "Subscribe sl/v1/all/audio/#", "Subscribe sl/v1/all/media/#", "Subscribe sl/v1/controller/#",
            ],
            lines);
    }
}
