using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests;

public sealed class LinuxParsersTests
{
    private const string Route =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
        "eth0\t00000000\t0101A8C0\t0003\t0\t0\t202\t00000000\t0\t0\t0\n" +
        "wlan0\t00000000\t0101A8C0\t0003\t0\t0\t303\t00000000\t0\t0\t0\n" +
        "eth0\t0001A8C0\t00000000\t0001\t0\t0\t202\t00FFFFFF\t0\t0\t0\n";

    private const string Wireless =
        "Inter-| sta-|   Quality        |   Discarded packets               | Missed | WE\n" +
        " face | tus | link level noise |  nwid  crypt   frag  retry   misc | beacon | 22\n" +
        " wlan0: 0000   58.  -52.  -256        0      0      0      0     12        0\n";

    private const string MemInfo =
        "MemTotal:        3884328 kB\n" +
        "MemFree:          220416 kB\n" +
        "MemAvailable:    2951120 kB\n" +
        "Buffers:          101264 kB\n";

    [Fact]
    public void Thermal_zone_millidegrees_become_celsius()
    {
        Assert.Equal(48.3, LinuxParsers.ParseThermalZone("48312\n"));
        Assert.Null(LinuxParsers.ParseThermalZone(null));
        Assert.Null(LinuxParsers.ParseThermalZone("hot"));
        Assert.Null(LinuxParsers.ParseThermalZone("250000"));
    }

    [Fact]
    public void Load_average_reads_the_first_two_fields()
    {
        Assert.Equal((0.52, 0.58), LinuxParsers.ParseLoadAverage("0.52 0.58 0.59 1/467 12345\n"));
        Assert.Null(LinuxParsers.ParseLoadAverage(null));
        Assert.Null(LinuxParsers.ParseLoadAverage(""));
        Assert.Null(LinuxParsers.ParseLoadAverage("x y z"));
    }

    [Fact]
    public void Meminfo_gives_total_and_available_in_mebibytes()
    {
        Assert.Equal((3793L, 2881L), LinuxParsers.ParseMemInfo(MemInfo));
        Assert.Null(LinuxParsers.ParseMemInfo("MemTotal: 1000 kB\n"));
        Assert.Null(LinuxParsers.ParseMemInfo(null));
    }

    [Fact]
    public void Default_route_is_the_up_zero_route_with_the_lowest_metric()
    {
        Assert.Equal("eth0", LinuxParsers.ParseDefaultRouteInterface(Route));
        Assert.Null(LinuxParsers.ParseDefaultRouteInterface(Route.Split('\n')[0] + "\n" + Route.Split('\n')[3]));
        Assert.Null(LinuxParsers.ParseDefaultRouteInterface(null));
        Assert.Null(LinuxParsers.ParseDefaultRouteInterface("garbage"));
    }

    [Fact]
    public void Default_route_skips_routes_that_are_down() =>
        Assert.Equal("wlan0", LinuxParsers.ParseDefaultRouteInterface(Route.Replace("0003\t0\t0\t202", "0002\t0\t0\t202", StringComparison.Ordinal)));

    [Theory]
    [InlineData("eth0", false, LinkType.Ethernet)]
    [InlineData("end0", false, LinkType.Ethernet)]
    [InlineData("enp1s0", false, LinkType.Ethernet)]
    [InlineData("wlan0", true, LinkType.Wifi)]
    [InlineData("wlp2s0", false, LinkType.Wifi)]
    [InlineData("wwan0", false, LinkType.Cellular)]
    [InlineData("usb0", false, LinkType.Cellular)]
    [InlineData("ppp0", false, LinkType.Cellular)]
    [InlineData("lo", false, LinkType.Loopback)]
    [InlineData("tun0", false, LinkType.Unknown)]
    [InlineData(null, false, LinkType.Unknown)]
    public void Interfaces_are_classified(string? name, bool wireless, LinkType expected) =>
        Assert.Equal(expected, LinuxParsers.ClassifyInterface(name, wireless));

    [Fact]
    public void Wireless_signal_is_read_for_the_named_interface()
    {
        Assert.Equal(-52, LinuxParsers.ParseWirelessSignal(Wireless, "wlan0"));
        Assert.Null(LinuxParsers.ParseWirelessSignal(Wireless, "wlan1"));
        Assert.Null(LinuxParsers.ParseWirelessSignal(null, "wlan0"));
        Assert.Null(LinuxParsers.ParseWirelessSignal(Wireless, null));
    }

    [Fact]
    public void Wireless_signal_as_unsigned_byte_is_converted() =>
        Assert.Equal(-40, LinuxParsers.ParseWirelessSignal(Wireless.Replace("-52.", "216.", StringComparison.Ordinal), "wlan0"));

    [Theory]
    [InlineData(true, true, "ntp")]
    [InlineData(true, false, "ntp")]
    [InlineData(false, true, "rtc")]
    [InlineData(false, false, "none")]
    public void Clock_source_prefers_ntp_then_rtc(bool synced, bool rtc, string expected) =>
        Assert.Equal(expected, LinuxParsers.ClockSource(synced, rtc));

    [Fact]
    public void Board_model_strips_the_nul_terminator_or_falls_back()
    {
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", LinuxParsers.ParseBoardModel("Raspberry Pi 4 Model B Rev 1.4\0"));
        Assert.Equal("generic-linux", LinuxParsers.ParseBoardModel(null));
        Assert.Equal("generic-linux", LinuxParsers.ParseBoardModel("\0"));
    }

    [Fact]
    public void Os_release_pretty_name_is_unquoted()
    {
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", LinuxParsers.ParseOsPrettyName("NAME=\"Debian GNU/Linux\"\nPRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\n"));
        Assert.Null(LinuxParsers.ParseOsPrettyName("NAME=x\n"));
    }
}
