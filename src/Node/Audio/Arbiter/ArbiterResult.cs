namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>What one call into the <see cref="Arbiter"/> decided: actions for the playout, in order, and reports for the Controller.</summary>
/// <param name="Actions">What the outputs must do, in this order.</param>
/// <param name="Reports">What happened to which play, in the order it happened.</param>
internal sealed record ArbiterResult(IReadOnlyList<ArbiterAction> Actions, IReadOnlyList<ArbiterReport> Reports)
{
    /// <summary>Nothing changed.</summary>
    public static ArbiterResult None { get; } = new([], []);
}
