using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// Signed control with both programs as processes: the Controller with demo keys and the Node executable pinning their
/// root from the root.pub file it was given. A command issued through the REST API is obeyed and answered; the same
/// envelope published again by someone with broker access is refused as a replay.
/// </summary>
[Trait("Category", "Security")]
public sealed class NodeProcessSignedControlTests(SecuredNodeProcess fixture) : IClassFixture<SecuredNodeProcess>
{
    private const string NodeId = SecuredNodeProcess.NodeId;

    private SecuredWorld World => fixture.World;

    [Fact]
    public async Task A_set_heartbeat_issued_through_the_REST_API_is_obeyed_kept_and_announced_in_a_new_birth()
    {
        var (id, _) = await World.IssueAsync(NodeId, "set-heartbeat", new { heartbeatSeconds = 45 });

        Assert.Equal(("done", null), SecuredWorld.Outcome(await World.AnsweredAsync(id)));
        await fixture.Node.WaitForOutputAsync($"Node {NodeId}: heartbeat is now 00:00:45", SecuredNodeProcess.Generous);
        Assert.True(File.Exists(Path.Combine(fixture.NodeData, "heartbeat")), "the node keeps the heartbeat it was set");
        await Eventually.TrueAsync(
            async () => (await World.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{NodeId}")).GetProperty("heartbeatSeconds").GetInt32() == 45,
            SecuredNodeProcess.Generous,
            "the Controller shows the new heartbeat from the node's new birth");
    }

    [Fact]
    public async Task A_captured_envelope_published_again_is_refused_as_replayed_and_reported_and_the_command_stays_done()
    {
        await using var probe = await World.EavesdropAsync(SecuredWorld.CommandTopic(NodeId), SecuredWorld.AckTopic(NodeId));
        var (id, _) = await World.IssueAsync(NodeId, "emergency-test", new { note = "drill" });
        var captured = (await probe.WaitForTopicAsync(SecuredWorld.CommandTopic(NodeId), SecuredNodeProcess.Generous)).Payload;
        Assert.Equal(("done", null), await SecuredWorld.AckAsync(probe, NodeId, id));

        await probe.PublishAsync(SecuredWorld.CommandTopic(NodeId), captured);

        Assert.Equal(("refused", RefusalReasons.Replayed), await SecuredWorld.AckAsync(probe, NodeId, id, occurrence: 2));
        var refusal = await World.RefusalEventAsync(NodeId, RefusalReasons.Replayed);
        Assert.Contains(id, refusal.GetProperty("text").GetString(), StringComparison.Ordinal);
        Assert.Equal(("done", null), SecuredWorld.Outcome(await World.AnsweredAsync(id)));
    }
}
