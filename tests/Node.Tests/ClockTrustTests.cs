using SmartLoudspeaker.Node.Time;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests;

public sealed class ClockTrustTests
{
    private static readonly ClockHealth Ntp = new() { Synced = true, Source = "ntp" };
    private static readonly ClockHealth RtcOnly = new() { Synced = false, Source = "rtc" };

    [Theory]
    [InlineData(true, false, false, true)] // an authenticated sample is enough on its own
    [InlineData(false, true, true, true)] // a synchronised OS clock, when the node may vouch for it
    [InlineData(false, false, true, false)] // ... but not when that is turned off
    [InlineData(false, true, false, false)] // an unsynchronised clock (RTC only, or nothing) never
    public void Time_is_trusted_after_an_authenticated_sync_or_a_synchronised_system_clock_when_allowed(
        bool authenticated, bool trustSystemClock, bool systemSynced, bool expected) =>
        Assert.Equal(expected, ClockTrust.IsTrusted(authenticated, trustSystemClock, systemSynced ? Ntp : RtcOnly));

    [Fact]
    public void An_unread_system_clock_is_not_trusted() =>
        Assert.False(ClockTrust.IsTrusted(authenticatedSample: false, trustSynchronisedSystemClock: true, systemClock: null));
}
