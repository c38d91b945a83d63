using SmartLoudspeaker.Node.Audio.Playout;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>
/// The corrector follows drift to within a sample, never moves a sounding cursor by more than one sample, never twice
/// within 480 output samples, and re-seats a silent playout exactly.
/// </summary>
public sealed class SlipCorrectorTests
{
    private const int Block = 480;

    /// <summary>
    /// Simulates a device whose clock runs <paramref name="ppm"/> fast against the Controller's: each block of 480
    /// written samples takes 480·(1 − ppm·10⁻⁶) Controller samples to come out. Returns the errors after each block
    /// and the cursor moves.
    /// </summary>
    private static (List<double> Errors, List<long> Moves, List<int> Spacings) Simulate(double ppm, int blocks, double initialError = 0)
    {
        var corrector = new SlipCorrector();
        long cursor = 1_000_000;
        var measuredExact = cursor + initialError;
        var errors = new List<double>();
        var moves = new List<long>();
        var spacings = new List<int>();
        var sinceLast = 0;
        for (var b = 0; b < blocks; b++)
        {
            var decision = corrector.Decide(cursor, (long)Math.Round(measuredExact), sounding: true, b == 0 ? 0 : Block);
            sinceLast += b == 0 ? 0 : Block;
            if (decision.Cursor != cursor)
            {
                moves.Add(decision.Cursor - cursor);
                spacings.Add(sinceLast);
                sinceLast = 0;
            }

            cursor = decision.Cursor;
            errors.Add(measuredExact - cursor);
            cursor += Block;
            measuredExact += Block * (1 - (ppm * 1e-6));
        }

        return (errors, moves, spacings);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(-500)]
    [InlineData(100)]
    [InlineData(2000)]
    public void Drift_is_followed_to_within_one_sample(double ppm)
    {
        var (errors, moves, _) = Simulate(ppm, blocks: 6000); // one minute
        Assert.All(errors, e => Assert.InRange(Math.Abs(e), 0, 1.5));
        Assert.NotEmpty(moves);
        Assert.All(moves, m => Assert.Equal(1, Math.Abs(m)));
        // A fast device (+ppm) runs ahead of the Controller, so the content must be repeated, not skipped.
        Assert.All(moves, m => Assert.Equal(ppm > 0 ? -1 : 1, m));
    }

    [Fact]
    public void A_large_error_while_sounding_is_slewed_one_sample_per_480_never_jumped()
    {
        var (errors, moves, spacings) = Simulate(500, blocks: 300, initialError: 200);
        Assert.All(moves, m => Assert.Equal(1, Math.Abs(m)));
        Assert.All(spacings.Skip(1), s => Assert.True(s >= SlipCorrector.MinimumSpacing, $"spacing {s}"));
        // 200 samples of error against ~0.24 samples/block of drift: slewing closes it within the run.
        Assert.InRange(Math.Abs(errors[^1]), 0, 1.5);
        Assert.True(errors[10] > 150, "the error shrinks gradually, not at once");
    }

    [Fact]
    public void Corrections_keep_480_samples_apart_even_with_small_blocks()
    {
        var corrector = new SlipCorrector();
        long cursor = 0;
        var since = 0;
        var corrections = 0;
        for (var i = 0; i < 1000; i++)
        {
            var decision = corrector.Decide(cursor, cursor + 50, sounding: true, i == 0 ? 0 : 96);
            since += i == 0 ? 0 : 96;
            if (decision.Action != SlipAction.None)
            {
                Assert.True(corrections == 0 || since >= SlipCorrector.MinimumSpacing, $"spacing {since}");
                Assert.Equal(SlipAction.Drop, decision.Action);
                Assert.Equal(cursor + 1, decision.Cursor);
                corrections++;
                since = 0;
            }

            cursor = decision.Cursor; // the measured error is held at 50: every allowed block corrects
        }

        Assert.InRange(corrections, 190, 210); // 96 000 samples / 480
    }

    [Fact]
    public void A_silent_playout_reseats_a_large_error_exactly()
    {
        var corrector = new SlipCorrector();
        var late = corrector.Decide(10_000, 12_345, sounding: false, 480);
        Assert.Equal(new SlipDecision(SlipAction.Reseat, 12_345), late);
        var early = corrector.Decide(10_000, 5_000, sounding: false, 480);
        Assert.Equal(new SlipDecision(SlipAction.Reseat, 5_000), early);
    }

    [Fact]
    public void A_sounding_playout_never_reseats()
    {
        var corrector = new SlipCorrector();
        var decision = corrector.Decide(10_000, 60_000, sounding: true, 480);
        Assert.Equal(new SlipDecision(SlipAction.Drop, 10_001), decision);
    }

    [Fact]
    public void Within_the_dead_band_nothing_moves()
    {
        var corrector = new SlipCorrector();
        Assert.Equal(new SlipDecision(SlipAction.None, 500), corrector.Decide(500, 500, sounding: true, 480));
        Assert.Equal(new SlipDecision(SlipAction.Duplicate, 499), corrector.Decide(500, 499, sounding: true, 480));
    }

    [Fact]
    public void A_small_error_while_silent_is_slewed_not_reseated()
    {
        var corrector = new SlipCorrector();
        var decision = corrector.Decide(1000, 1000 + 900, sounding: false, 480); // 18.75 ms < 20 ms
        Assert.Equal(SlipAction.Drop, decision.Action);
    }
}
