namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// One play placed on the timeline: content position of timeline index t is t − <see cref="Anchor"/> +
/// <see cref="OffsetAtAnchor"/>, nothing sounds before <see cref="Anchor"/>.
/// </summary>
internal sealed class PlayoutVoice(string playId, IPlayContent content, long anchor, long offsetAtAnchor)
{
    public string PlayId { get; } = playId;

    public IPlayContent Content { get; } = content;

    /// <summary>Timeline index of its first audible sample.</summary>
    public long Anchor { get; } = anchor;

    /// <summary>Content position at <see cref="Anchor"/> (a live stream's is the index itself).</summary>
    public long OffsetAtAnchor { get; } = offsetAtAnchor;

    /// <summary>Timeline index its fade-in starts at (moved when it comes back after a loss of time).</summary>
    public long FadeInStart { get; set; } = anchor;

    /// <summary>Timeline index its fade-out starts at, once cut.</summary>
    public long? FadeOutStart { get; set; }

    /// <summary>Its content ran out.</summary>
    public bool Ended { get; set; }
}
