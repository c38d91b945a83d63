using System.Text;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Node.Tests.Time;

/// <summary>What clock sync costs on the wire once settled: a 4G node pays for every byte.</summary>
public sealed class ClockSyncTrafficTests(ITestOutputHelper output)
{
    [Fact]
    public void Settled_sync_costs_under_two_megabytes_a_day_of_payload_and_MQTT_framing()
    {
        using var keys = new TestKeys();
        const string nodeId = "thon-dong-12";
        var clock = new ControllerClock(new FakeTimeProvider(TestKeys.Now));
        var request = clock.NewRequest();
        var requestBytes = Publish(Topics.ForNode(nodeId, NodeMessageKind.TimeRequest), WireCodec.Encode(request));
        var replyBytes = Publish(Topics.ForNode(nodeId, NodeMessageKind.TimeReply), TestKeys.ClockReply(keys.Controller, nodeId, request, TestKeys.Now));
        var exchange = requestBytes + replyBytes;

        var atSlow = exchange * (long)(TimeSpan.FromDays(1) / ClockSyncSchedule.SlowInterval);
        var atSettled = exchange * (long)(TimeSpan.FromDays(1) / ClockSyncSchedule.SettledInterval);
        output.WriteLine(
            $"request {requestBytes} B, reply {replyBytes} B (MQTT 5 PUBLISH, QoS 0): {exchange} B an exchange; "
            + $"a day settled at {ClockSyncSchedule.SettledInterval.TotalSeconds} s: {atSettled / 1024.0:F0} KiB, at {ClockSyncSchedule.SlowInterval.TotalSeconds} s: {atSlow / 1024.0:F0} KiB "
            + "(TLS and TCP/IP add about 60-100 B a packet on top)");
        Assert.InRange(exchange, 300, 1_000);
        Assert.True(atSlow < 2 * 1024 * 1024, $"{atSlow} B a day");
    }

    // Fixed header (type, remaining length), topic (length-prefixed), properties length; QoS 0 has no packet id.
    private static int Publish(string topic, byte[] payload)
    {
        var remaining = 2 + Encoding.UTF8.GetByteCount(topic) + 1 + payload.Length;
        return 1 + (remaining < 128 ? 1 : 2) + remaining;
    }
}
