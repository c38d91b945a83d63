using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Time;

/// <summary>When a node may rely on its clock for command expiry (docs/protocol.md, signed control).</summary>
internal static class ClockTrust
{
    /// <summary>
    /// Trusted once an authenticated clock sync with the Controller has succeeded since boot, or when the operating
    /// system reports its clock synchronised and the installer lets the node vouch for that. An RTC alone is not
    /// enough: after months in a cabinet it may be minutes off, or reset to 1970 by a flat battery.
    /// </summary>
    /// <param name="authenticatedSample">An authenticated clock-sync sample exists since boot.</param>
    /// <param name="trustSynchronisedSystemClock">The setting <c>Node:Security:TrustSynchronisedSystemClock</c>.</param>
    /// <param name="systemClock">The operating system's clock state from the health source; null when not read yet.</param>
    public static bool IsTrusted(bool authenticatedSample, bool trustSynchronisedSystemClock, ClockHealth? systemClock) =>
        authenticatedSample || (trustSynchronisedSystemClock && systemClock is { Synced: true });
}
