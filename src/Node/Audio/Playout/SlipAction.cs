namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>What the <see cref="SlipCorrector"/> tells the playout to do to its cursor before a block.</summary>
internal enum SlipAction
{
    /// <summary>On time (within the dead band), or a correction is not allowed yet.</summary>
    None,

    /// <summary>The output is behind: skip one content sample (cursor + 1).</summary>
    Drop,

    /// <summary>The output is ahead: play one content sample twice (cursor − 1).</summary>
    Duplicate,

    /// <summary>Nothing sounds yet: move the cursor to the measured index at once (silent, exact).</summary>
    Reseat,
}
