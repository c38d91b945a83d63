namespace SmartLoudspeaker.Node.Audio.Arbiter;

/// <summary>The reasons an <see cref="ArbiterReport"/> carries: short fixed words the Controller can count and show.</summary>
internal static class ArbiterReasons
{
    /// <summary>Quiet hours are on and it is neither an emergency nor signed to override them.</summary>
    public const string QuietHours = "quiet-hours";

    /// <summary>Its window closed before it could begin or resume.</summary>
    public const string WindowClosed = "window-closed";

    /// <summary>The playout could not sound it (amplifier, relays or sink not ready).</summary>
    public const string HardwareNotReady = "hardware-not-ready";

    /// <summary>Someone stopped it (a Finished report).</summary>
    public const string Stopped = "stopped";
}
