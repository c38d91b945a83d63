namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>What the jitter buffer did with one frame; each outcome has its own health counter.</summary>
internal enum FrameOutcome
{
    /// <summary>Buffered; it will play at its timeline sample plus the stream delay.</summary>
    Accepted,

    /// <summary>A frame for the same timeline sample is already buffered (a resend or a duplicated packet): ignored.</summary>
    Duplicate,

    /// <summary>
    /// Its play time has passed, or the renderer already filled its slot by concealment, or the stream has ended:
    /// playing it now would put it at the wrong place on the timeline.
    /// </summary>
    Late,

    /// <summary>It would play beyond the buffered horizon: a wrong timestamp or a wrong clock, refused so it cannot fill memory.</summary>
    FarFuture,

    /// <summary>
    /// Not a usable frame: no Opus bytes or more than Opus allows, a negative index or timeline sample, or a timeline
    /// sample that is not a whole number of frames from the stream's first frame.
    /// </summary>
    Malformed,
}
