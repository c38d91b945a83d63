using System.Buffers;
using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Messaging;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node.Tests.Messaging;

public sealed class TopicRouterTests
{
    private readonly ListLogger<NodeAgent> _logger = new();

    [Fact]
    public void A_binary_route_takes_a_payload_over_the_json_limit_that_a_json_route_refuses()
    {
        List<InboundPayload> binary = [];
        List<InboundPayload> json = [];
        var router = new TopicRouter(
            "node-r",
            [
                TopicRoute.Inline("test/json", MqttQualityOfServiceLevel.AtLeastOnce, PayloadKind.Json, m => { json.Add(m); return null; }),
                TopicRoute.Inline("test/bin/+", MqttQualityOfServiceLevel.AtMostOnce, PayloadKind.Binary, m => { binary.Add(m); return null; }, maxPayloadBytes: 64 * 1024),
            ],
            _logger);
        var big = new ReadOnlySequence<byte>(new byte[WireSchema.MaxJsonPayloadBytes + 1]);

        router.Dispatch("test/bin/a", big, retained: false);
        router.Dispatch("test/json", big, retained: false);
        router.Dispatch("test/bin/a", new ReadOnlySequence<byte>(new byte[(64 * 1024) + 1]), retained: false);
        router.Dispatch("test/other", new ReadOnlySequence<byte>([1]), retained: false);

        Assert.Single(binary);
        Assert.Equal(WireSchema.MaxJsonPayloadBytes + 1, binary[0].Payload.Length);
        Assert.Empty(json);
        Assert.Equal(3, router.Rejected);
        Assert.Equal(3, _logger.Warnings.Count(w => w.Contains("ignored message on", StringComparison.Ordinal)));
        Assert.Equal(["test/json", "test/bin/+"], router.Routes.Select(r => r.Filter));
    }

    [Fact]
    public void A_json_route_cannot_raise_its_cap_over_the_json_limit_and_a_binary_route_needs_one()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TopicRoute.Inline("a", MqttQualityOfServiceLevel.AtMostOnce, PayloadKind.Json, _ => null, WireSchema.MaxJsonPayloadBytes + 1));
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            TopicRoute.Inline("a", MqttQualityOfServiceLevel.AtMostOnce, PayloadKind.Binary, _ => null));
    }

    [Fact]
    public async Task A_queued_route_refuses_beyond_its_capacity_and_its_worker_handles_the_rest()
    {
        var handled = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var router = new TopicRouter(
            "node-r",
            [
                TopicRoute.Queued("test/q", MqttQualityOfServiceLevel.AtMostOnce, PayloadKind.Binary, 1, (m, _) =>
                {
                    handled.TrySetResult(m.Topic);
                    return ValueTask.FromResult<string?>(null);
                }, maxPayloadBytes: 10),
            ],
            _logger);

        router.Dispatch("test/q", new ReadOnlySequence<byte>([1]), retained: false);
        router.Dispatch("test/q", new ReadOnlySequence<byte>([2]), retained: false);
        Assert.Equal(1, router.Rejected);

        using var stop = new CancellationTokenSource();
        var run = router.RunAsync(stop.Token);
        Assert.Equal("test/q", await handled.Task.WaitAsync(TimeSpan.FromSeconds(10)));
        await stop.CancelAsync();
        await run;
    }
}
