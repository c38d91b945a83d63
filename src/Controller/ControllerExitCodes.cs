namespace SmartLoudspeaker.Controller;

/// <summary>
/// Exit codes with a meaning for the service manager (hardware/systemd/smartloudspeaker-controller.service): one that
/// restarting cannot fix is listed in RestartPreventExitStatus=; one that a later start may not meet is not.
/// </summary>
public static class ControllerExitCodes
{
    /// <summary>
    /// Another Controller holds the store (EX_TEMPFAIL from sysexits.h). Restarting after RestartSec is right: the
    /// holder may be an instance still closing, and the lock is free the moment it ends.
    /// </summary>
    public const int StoreInUse = 75;

    /// <summary>
    /// The Controller's user may not open a file of the store, e.g. one left owned by root (EX_NOPERM from sysexits.h).
    /// Restarting cannot fix it: the systemd unit lists it in RestartPreventExitStatus=.
    /// </summary>
    public const int StoreAccessDenied = 77;

    /// <summary>The store was written by a newer controller (EX_CONFIG from sysexits.h).</summary>
    public const int StoreSchemaTooNew = 78;

    /// <summary>A setting is invalid; stderr names it, its value and what is allowed (EX_USAGE from sysexits.h).</summary>
    public const int InvalidSetting = 64;
}
