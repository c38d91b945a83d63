using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Time;

/// <summary>The node's clock view takes each genuine reply's sample at the middle of its exchange and estimates the drift.</summary>
public sealed class ControllerClockTests
{
    private const string NodeId = "thon-clock";

    [Fact]
    public void Signed_replies_ten_minutes_apart_give_the_crystals_drift_and_the_offset_at_the_newest()
    {
        using var keys = new TestKeys();
        using var trust = new TrustStore(keys.Root.PublicKey());
        Assert.Null(trust.AddCertificate(keys.Certificate(keys.Controller)));
        var clock = new ControllerClock();
        Assert.Null(clock.Estimate);

        // The node's crystal runs 50 ppm fast; the Controller's clock is 2 s ahead at the start; 20 ms each way.
        DateTimeOffset NodeAt(double trueSeconds) => TestKeys.Now + TimeSpan.FromSeconds(trueSeconds * 1.00005);
        DateTimeOffset ControllerAt(double trueSeconds) => TestKeys.Now + TimeSpan.FromSeconds(2 + trueSeconds);
        for (var i = 0; i < 4; i++)
        {
            var start = i * 600.0;
            var request = clock.NewRequest(NodeAt(start));
            var reply = TestKeys.ClockReply(keys.Controller, NodeId, request, ControllerAt(start + 0.020));
            Assert.Null(clock.Accept(reply, NodeId, trust, NodeAt(start + 0.040)));
        }

        var estimate = clock.Estimate!;
        Assert.True(estimate.HasDrift);
        Assert.InRange(estimate.DriftPpm, -50.5, -49.5);
        Assert.Equal(NodeAt(1_800) + ((NodeAt(1_800.040) - NodeAt(1_800)) / 2), estimate.Reference);
        Assert.Equal(estimate.OffsetAtReference, clock.Offset);
        Assert.InRange((estimate.ControllerNow(NodeAt(2_400)) - ControllerAt(2_400)).Duration().TotalMilliseconds, 0, 0.5);
    }
}
