namespace SmartLoudspeaker.Node;

/// <summary>
/// Exit codes of the node program other than 0 (stopped normally). A failure that a restart cannot fix has its own
/// code, which hardware/systemd/smartloudspeaker-node.service lists in RestartPreventExitStatus= so that the service
/// does not restart in a loop; docs/operations.md explains each.
/// </summary>
public static class NodeExitCodes
{
    /// <summary>A setting is invalid; stderr names it, its value and what is allowed (EX_USAGE from sysexits.h).</summary>
    public const int InvalidSetting = 64;
}
