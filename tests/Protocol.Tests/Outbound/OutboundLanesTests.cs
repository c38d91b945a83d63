using SmartLoudspeaker.Protocol.Outbound;

namespace SmartLoudspeaker.Protocol.Tests.Outbound;

public sealed class OutboundLanesTests
{
    [Fact]
    public async Task A_control_message_is_sent_before_bulk_ones_queued_earlier()
    {
        var lanes = new OutboundLanes<string>(mediaLaneCapacity: 8);
        Assert.True(lanes.TryPost(OutboundLane.BulkMedia, "chunk-1"));
        Assert.True(lanes.TryPost(OutboundLane.BulkMedia, "chunk-2"));
        Assert.True(lanes.TryPost(OutboundLane.LiveAudio, "audio-1"));
        Assert.True(lanes.TryPost(OutboundLane.Control, "ack-1"));

        List<string> sent = [];
        await foreach (var item in lanes.ReadAllAsync(CancellationToken.None))
        {
            sent.Add(item);
            if (item == "chunk-1")
            {
                // Posted while a transfer is under way: it goes next, not after the queued chunk.
                Assert.True(lanes.TryPost(OutboundLane.Control, "ack-2"));
            }

            if (sent.Count == 5)
            {
                break;
            }
        }

        Assert.Equal(["ack-1", "audio-1", "chunk-1", "ack-2", "chunk-2"], sent);
    }

    [Fact]
    public void Bounded_lanes_refuse_when_full_and_closed_lanes_return_what_waited()
    {
        var lanes = new OutboundLanes<int>(mediaLaneCapacity: 1);
        Assert.True(lanes.TryPost(OutboundLane.BulkMedia, 1));
        Assert.False(lanes.TryPost(OutboundLane.BulkMedia, 2));
        Assert.True(lanes.TryPost(OutboundLane.Control, 3));
        Assert.Equal([1, 3], lanes.Complete().Order());
        Assert.False(lanes.TryPost(OutboundLane.Control, 4));
    }

    [Fact]
    public void A_bounded_control_lane_refuses_when_full_without_touching_the_other_lanes()
    {
        var lanes = new OutboundLanes<int>(mediaLaneCapacity: 2, controlLaneCapacity: 1);
        Assert.True(lanes.TryPost(OutboundLane.Control, 1));
        Assert.False(lanes.TryPost(OutboundLane.Control, 2));
        Assert.True(lanes.TryPost(OutboundLane.BulkMedia, 3));
        Assert.Equal(1, lanes.Count(OutboundLane.Control));
        Assert.Equal(1, lanes.Count(OutboundLane.BulkMedia));
    }
}
