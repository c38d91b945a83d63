namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// Keeps the playout cursor (the timeline index the next written sample stands for) on the measured one (the index of
/// the Controller-clock instant that sample will come out at: controller now + sink delay). The device's clock and the
/// Controller's drift apart by hundreds of ppm, and the estimate itself is corrected now and then; the cursor follows
/// without an audible jump. Pure: no clock, no I/O — the playout loop feeds it one measurement per block.
/// </summary>
/// <remarks>
/// While nothing sounds, a large error (beyond <see cref="ResetThreshold"/>) re-seats the cursor at once: silence is
/// padded before a first sample, or what is late is skipped, so the start lands on its exact sample. While something
/// sounds, the cursor moves by one sample at most, at most once every <see cref="MinimumSpacing"/> output samples
/// (≤ 2083 ppm): a dropped or doubled sample in 480 is inaudible, a jump is a click. A smaller error while silent is
/// slewed the same way, so measurement jitter never makes the cursor hop.
/// </remarks>
internal sealed class SlipCorrector
{
    /// <summary>Output samples that must pass between two one-sample corrections.</summary>
    public const int MinimumSpacing = 480;

    private long _samplesSinceCorrection = MinimumSpacing;

    /// <param name="resetThreshold">Error beyond which a silent playout re-seats; 20 ms when not given.</param>
    /// <param name="deadBand">Error (in samples) below which nothing is corrected; 1 when not given.</param>
    public SlipCorrector(TimeSpan? resetThreshold = null, int deadBand = 1)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(deadBand);
        ResetThreshold = resetThreshold ?? TimeSpan.FromMilliseconds(20);
        ArgumentOutOfRangeException.ThrowIfLessThan(ResetThreshold, TimeSpan.Zero);
        DeadBand = deadBand;
    }

    public TimeSpan ResetThreshold { get; }

    public int DeadBand { get; }

    /// <summary>Decides the cursor for the next block.</summary>
    /// <param name="cursor">Where the playout means the next sample to be.</param>
    /// <param name="measured">Where it will actually come out, from the Controller clock and the sink's delay.</param>
    /// <param name="sounding">Whether a play is audible (a correction must then be inaudible).</param>
    /// <param name="samplesWrittenSincePrevious">Output samples written since the previous call (the spacing clock).</param>
    public SlipDecision Decide(long cursor, long measured, bool sounding, int samplesWrittenSincePrevious)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(samplesWrittenSincePrevious);
        _samplesSinceCorrection += samplesWrittenSincePrevious;
        var error = measured - cursor;
        if (!sounding && Math.Abs(error) > ControllerTimeline.ToSamples(ResetThreshold))
        {
            _samplesSinceCorrection = 0;
            return new SlipDecision(SlipAction.Reseat, measured);
        }

        if (Math.Abs(error) < DeadBand || _samplesSinceCorrection < MinimumSpacing)
        {
            return new SlipDecision(SlipAction.None, cursor);
        }

        _samplesSinceCorrection = 0;
        return error > 0 ? new SlipDecision(SlipAction.Drop, cursor + 1) : new SlipDecision(SlipAction.Duplicate, cursor - 1);
    }
}
