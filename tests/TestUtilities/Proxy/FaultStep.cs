namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>One step of a fault script for <see cref="LoopbackTcpProxy.RunScriptAsync"/>.</summary>
/// <param name="After">How long after the previous step (or the start of the script) this step is due.</param>
/// <param name="Apply">What the step does to the proxy, e.g. <c>p =&gt; p.Stall()</c>.</param>
public sealed record FaultStep(TimeSpan After, Action<LoopbackTcpProxy> Apply)
{
    /// <summary>How long after the previous step (or the start of the script) this step is due.</summary>
    public TimeSpan After { get; } = After >= TimeSpan.Zero
        ? After
        : throw new ArgumentOutOfRangeException(nameof(After), After, "A step cannot be due before the one it follows.");

    /// <summary>What the step does to the proxy.</summary>
    public Action<LoopbackTcpProxy> Apply { get; } = Apply ?? throw new ArgumentNullException(nameof(Apply));
}
