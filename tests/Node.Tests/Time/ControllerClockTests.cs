using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Time;

/// <summary>The node's clock view takes each genuine reply's sample at the middle of its exchange, on the monotonic clock, and estimates the drift.</summary>
public sealed class ControllerClockTests
{
    private const string NodeId = "thon-clock";

    [Fact]
    public void Signed_replies_ten_minutes_apart_give_the_crystals_drift_and_the_controllers_time()
    {
        using var keys = new TestKeys();
        using var trust = new TrustStore(keys.Root.PublicKey());
        Assert.Null(trust.AddCertificate(keys.Certificate(keys.Controller)));
        var time = new FakeTimeProvider(TestKeys.Now);
        var clock = new ControllerClock(time);
        Assert.Null(clock.Estimate);
        Assert.Null(clock.Read());

        // The node's crystal runs 50 ppm fast; the Controller's clock is 2 s ahead at the start; 20 ms each way.
        DateTimeOffset NodeAt(double trueSeconds) => TestKeys.Now + TimeSpan.FromSeconds(trueSeconds * 1.00005);
        DateTimeOffset ControllerAt(double trueSeconds) => TestKeys.Now + TimeSpan.FromSeconds(2 + trueSeconds);
        for (var i = 0; i < 4; i++)
        {
            var start = i * 600.0;
            time.SetUtcNow(NodeAt(start));
            var request = clock.NewRequest();
            Assert.Equal(NodeAt(start), request.T1);
            var reply = TestKeys.ClockReply(keys.Controller, NodeId, request, ControllerAt(start + 0.020));
            time.SetUtcNow(NodeAt(start + 0.040));
            Assert.Null(clock.Accept(reply, NodeId, trust, time.GetTimestamp()));
        }

        var estimate = clock.Estimate!;
        Assert.True(estimate.HasDrift);
        Assert.Equal(4, estimate.Samples);
        Assert.InRange(estimate.DriftPpm, -50.5, -49.5);

        time.SetUtcNow(NodeAt(2_400));
        var reading = clock.Read()!.Value;
        var miss = (reading.ControllerNow - ControllerAt(2_400)).Duration();
        Assert.InRange(miss.TotalMilliseconds, 0, 0.5);
        Assert.True(miss <= reading.ErrorBound, "the error bound holds");
        Assert.InRange((clock.Offset!.Value - TimeSpan.FromSeconds(2 - (2_400 * 0.00005))).Duration().TotalMilliseconds, 0, 0.5);
    }

    [Fact]
    public void A_step_of_the_nodes_own_wall_clock_moves_neither_the_estimate_nor_the_controllers_time()
    {
        using var keys = new TestKeys();
        using var trust = new TrustStore(keys.Root.PublicKey());
        Assert.Null(trust.AddCertificate(keys.Certificate(keys.Controller)));
        var time = new WallSteppingTime(TestKeys.Now);
        var clock = new ControllerClock(time);

        // The Controller is 2 s ahead, 10 ms each way; the node's wall clock is stepped back an hour after the third
        // sample (an RTC or NTP correction), and forward a day in the middle of the fourth exchange.
        for (var i = 0; i < 4; i++)
        {
            var request = clock.NewRequest();
            var controllerNow = TestKeys.Now + TimeSpan.FromSeconds(2 + (i * 120) + 0.010);
            time.Advance(TimeSpan.FromMilliseconds(10));
            if (i == 3)
            {
                time.WallStep += TimeSpan.FromDays(1);
            }

            time.Advance(TimeSpan.FromMilliseconds(10));
            Assert.Null(clock.Accept(TestKeys.ClockReply(keys.Controller, NodeId, request, controllerNow), NodeId, trust, time.GetTimestamp()));
            if (i == 2)
            {
                time.WallStep -= TimeSpan.FromHours(1);
            }

            time.Advance(TimeSpan.FromSeconds(120) - TimeSpan.FromMilliseconds(20));
        }

        var estimate = clock.Estimate!;
        Assert.Equal(4, estimate.Samples);
        Assert.True(estimate.HasDrift);
        Assert.InRange(estimate.DriftPpm, -0.01, 0.01);
        var reading = clock.Read()!.Value;
        var truth = TestKeys.Now + TimeSpan.FromSeconds(2 + 480);
        Assert.InRange((reading.ControllerNow - truth).Duration().TotalMilliseconds, 0, 0.01);

        // The wall-clock offset (command expiry, the health report) does see the node's own clock as it now is.
        Assert.InRange((clock.Offset!.Value - (truth - time.GetUtcNow())).Duration().TotalMilliseconds, 0, 0.01);
    }

    /// <summary>A hand-driven clock whose wall time can be stepped while its monotonic timestamp runs on (a FakeTimeProvider derives one from the other).</summary>
    private sealed class WallSteppingTime(DateTimeOffset start) : TimeProvider
    {
        private TimeSpan _elapsed;

        public TimeSpan WallStep { get; set; }

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public void Advance(TimeSpan by) => _elapsed += by;

        public override DateTimeOffset GetUtcNow() => start + _elapsed + WallStep;

        public override long GetTimestamp() => 1_000_000 + _elapsed.Ticks;
    }
}
