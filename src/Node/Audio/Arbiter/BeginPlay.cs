namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>Start sounding <see cref="ArbiterAction.PlayId"/> (unmute, then its audio).</summary>
/// <param name="PlayId">The play to sound.</param>
/// <param name="From">
/// Content position to play from: zero for a fresh file, its cut point less the resume overlap after a preemption;
/// null for a live stream, which always plays its present.
/// </param>
internal sealed record BeginPlay(string PlayId, TimeSpan? From) : ArbiterAction(PlayId);
