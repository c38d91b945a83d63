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

    /// <summary>
    /// The node's key or broker password file (<c>node-key.pem</c>, <c>broker-password</c>) is there but unreadable or
    /// damaged; stderr names it. Never replaced by itself: a new key would have to be enrolled again (EX_DATAERR).
    /// </summary>
    public const int IdentityUnreadable = 65;
}
