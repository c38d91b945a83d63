namespace SmartLoudspeaker.Controller;

/// <summary>
/// Exit codes that tell the service manager not to restart: the same start would fail the same way.
/// hardware/systemd/smartloudspeaker-controller.service lists them in RestartPreventExitStatus=.
/// </summary>
public static class ControllerExitCodes
{
    /// <summary>The store was written by a newer controller (EX_CONFIG from sysexits.h).</summary>
    public const int StoreSchemaTooNew = 78;

    /// <summary>A setting is invalid; stderr names it, its value and what is allowed (EX_USAGE from sysexits.h).</summary>
    public const int InvalidSetting = 64;
}
