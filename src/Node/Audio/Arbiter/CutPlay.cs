namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>
/// Stop sounding <see cref="ArbiterAction.PlayId"/>: the fade-out of <c>PreemptionPolicy.FadeOut</c> (20 ms), then mute,
/// so a cut is never a click.
/// </summary>
/// <param name="PlayId">The play to silence.</param>
internal sealed record CutPlay(string PlayId) : ArbiterAction(PlayId);
