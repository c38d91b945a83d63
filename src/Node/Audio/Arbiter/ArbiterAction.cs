namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>
/// What the playout must do to its outputs after a decision of the <see cref="Arbiter"/>, in the order given: a
/// <see cref="CutPlay"/> always comes before the <see cref="BeginPlay"/> that replaces it, so the 20 ms fade-out and
/// mute happen before the new audio.
/// </summary>
/// <param name="PlayId">The play the action is about.</param>
internal abstract record ArbiterAction(string PlayId);
