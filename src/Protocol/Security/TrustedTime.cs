namespace SmartLoudspeaker.Protocol.Security;

/// <summary>The node's best idea of the time, and whether it may rely on it for expiry.</summary>
/// <param name="Now">The node's current time (its clock corrected by the last authenticated clock sync).</param>
/// <param name="Trusted">
/// True once an authenticated clock-sync reply (or a synchronised NTP/RTC source the node vouches for) has set it
/// since boot; false after a power cut with no network time yet.
/// </param>
public readonly record struct TrustedTime(DateTimeOffset Now, bool Trusted);
