namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>One decision of the <see cref="SlipCorrector"/>: the action and the cursor to render the block from.</summary>
/// <param name="Action">What was done.</param>
/// <param name="Cursor">The timeline index the block's first sample now stands for.</param>
internal readonly record struct SlipDecision(SlipAction Action, long Cursor);
