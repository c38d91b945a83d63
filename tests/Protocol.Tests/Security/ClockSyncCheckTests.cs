using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

public sealed class ClockSyncCheckTests : IDisposable
{
    private static readonly DateTimeOffset T1 = TestKeys.Now;
    private readonly TestKeys keys = new();
    private readonly TrustStore trust;
    private readonly ClockSyncRequest request = new() { Nonce = "abcdefghijklmnop0123", T1 = T1 };

    public ClockSyncCheckTests()
    {
        trust = keys.NodeTrust();
    }

    [Fact]
    public void A_genuine_reply_gives_the_offset_and_round_trip()
    {
        // The Controller's clock is 10 s ahead; 100 ms each way; 20 ms inside the Controller.
        var reply = Reply(keys.Controller, T1.AddMilliseconds(10_100), T1.AddMilliseconds(10_120));

        var (sample, refusal) = ClockSyncCheck.Verify(keys.Controller.Sign(reply), "thon-1", request, trust, T1.AddMilliseconds(220));

        Assert.Null(refusal);
        Assert.Equal(TimeSpan.FromSeconds(10), sample!.Value.Offset);
        Assert.Equal(TimeSpan.FromMilliseconds(200), sample.Value.RoundTrip);
    }

    [Fact]
    public void A_forged_reply_cannot_move_the_clock()
    {
        var (sample, refusal) = ClockSyncCheck.Verify(keys.Stranger.Sign(Reply(keys.Stranger, T1.AddDays(1), T1.AddDays(1))), "thon-1", request, trust, T1.AddSeconds(0.1));

        Assert.Null(sample);
        Assert.Equal(RefusalReasons.BadSignature, refusal);
    }

    [Fact]
    public void A_recorded_reply_to_another_request_is_refused()
    {
        var old = Reply(keys.Controller, T1, T1) with { Nonce = "zzzzzzzzzzzzzzzzzzzz" };

        Assert.Equal(RefusalReasons.Replayed, ClockSyncCheck.Verify(keys.Controller.Sign(old), "thon-1", request, trust, T1.AddSeconds(0.1)).Refusal);
    }

    [Fact]
    public void A_reply_for_another_node_is_refused()
    {
        var other = Reply(keys.Controller, T1, T1) with { NodeId = "thon-2" };

        Assert.Equal(RefusalReasons.WrongTarget, ClockSyncCheck.Verify(keys.Controller.Sign(other), "thon-1", request, trust, T1.AddSeconds(0.1)).Refusal);
    }

    [Fact]
    public void A_reply_that_took_too_long_is_not_used()
    {
        var slow = Reply(keys.Controller, T1.AddSeconds(30), T1.AddSeconds(30));

        Assert.Null(ClockSyncCheck.Verify(keys.Controller.Sign(slow), "thon-1", request, trust, T1.AddSeconds(60)).Sample);
    }

    public void Dispose()
    {
        trust.Dispose();
        keys.Dispose();
    }

    private ClockSyncReply Reply(PayloadSigner signer, DateTimeOffset t2, DateTimeOffset t3) =>
        new() { Kid = signer.Kid, NodeId = "thon-1", Nonce = request.Nonce, T1 = request.T1, T2 = t2, T3 = t3 };
}
