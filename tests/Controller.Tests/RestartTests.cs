using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class RestartTests
{
    [Fact]
    public async Task A_restarted_controller_keeps_the_registry_with_every_node_offline_until_it_speaks()
    {
        using var data = new TemporaryDirectory();
        string firstInstance;
        using (var first = ControllerHost.Start(data.Path))
        {
            await using var node = await first.BornNodeAsync("node-r", bdSeq: 4, heartbeatSeconds: 30);
            var ingested = first.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
            await node.PublishAsync(NodeMessageKind.Health, Wire.Health(bdSeq: 4, tempC: 61));
            await ingested;
            var stored = first.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
            await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-r"));
            await stored;
            firstInstance = (await first.Http.GetStringAsync("/healthz")).Split("\"instance\":\"")[1];
        }

        using var second = ControllerHost.Start(data.Path);
        var listed = await second.GetListedNodeAsync("node-r");
        Assert.False(listed.GetProperty("online").GetBoolean());
        Assert.Equal(30, listed.GetProperty("heartbeatSeconds").GetInt32());
        Assert.Equal(61, listed.GetProperty("health").GetProperty("cpu").GetProperty("tempC").GetDouble());
        var detail = await second.GetNodeAsync("node-r");
        Assert.Equal(4, detail.GetProperty("bdSeq").GetInt32());
        Assert.Single(detail.GetProperty("history").EnumerateArray());
        Assert.Single(detail.GetProperty("events").EnumerateArray());
        Assert.NotEqual(firstInstance, (await second.Http.GetStringAsync("/healthz")).Split("\"instance\":\"")[1]);

        // The node hears the new controller instance and is born again.
        await using var back = await second.BornNodeAsync("node-r", bdSeq: 5, heartbeatSeconds: 30);
        Assert.True((await second.GetListedNodeAsync("node-r")).GetProperty("online").GetBoolean());

        // An event already stored before the restart is acknowledged, not stored twice.
        var repeated = second.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await back.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-r"));
        await repeated;
        Assert.Equal(["ev-r"], (await back.NextAckAsync()).Ids);
        Assert.Single((await second.GetNodeAsync("node-r")).GetProperty("events").EnumerateArray());
        second.AssertNoErrors();
    }
}
