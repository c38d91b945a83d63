using System.Globalization;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>
/// Pure parsers for the Linux files a node reads its health from. Each takes the file's text (null when the file
/// is missing or unreadable) and returns null for anything it cannot make sense of: a reading is never worth a crash.
/// </summary>
public static class LinuxParsers
{
    /// <summary>/sys/class/thermal/thermal_zone0/temp (millidegrees Celsius) → °C.</summary>
    public static double? ParseThermalZone(string? text) =>
        long.TryParse(text?.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var milli)
            && milli is > -60_000 and < 200_000
            ? Math.Round(milli / 1000.0, 1)
            : null;

    /// <summary>/proc/loadavg ("0.52 0.58 0.59 1/467 12345") → 1- and 5-minute load averages.</summary>
    public static (double Load1, double Load5)? ParseLoadAverage(string? text)
    {
        var fields = Fields(text);
        return fields.Length >= 2
            && double.TryParse(fields[0], NumberStyles.Float, CultureInfo.InvariantCulture, out var load1)
            && double.TryParse(fields[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var load5)
            && load1 >= 0 && load5 >= 0
            ? (load1, load5)
            : null;
    }

    /// <summary>/proc/meminfo → MemTotal and MemAvailable in MiB (null when either line is missing).</summary>
    public static (long TotalMb, long AvailableMb)? ParseMemInfo(string? text)
    {
        long? totalKb = null;
        long? availableKb = null;
        foreach (var line in Lines(text))
        {
            if (line.StartsWith("MemTotal:", StringComparison.Ordinal))
            {
                totalKb = ParseKb(line);
            }
            else if (line.StartsWith("MemAvailable:", StringComparison.Ordinal))
            {
                availableKb = ParseKb(line);
            }
        }

        return totalKb is { } total && availableKb is { } available ? (total / 1024, available / 1024) : null;
    }

    /// <summary>
    /// /proc/net/route → the interface of the default route (destination and mask 0, flag RTF_UP), lowest metric
    /// first; null when there is none.
    /// </summary>
    public static string? ParseDefaultRouteInterface(string? text)
    {
        string? best = null;
        var bestMetric = long.MaxValue;
        foreach (var line in Lines(text).Skip(1))
        {
            var fields = Fields(line);
            if (fields.Length < 8
                || fields[1] != "00000000"
                || fields[7] != "00000000"
                || !int.TryParse(fields[3], NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
                || (flags & 0x1) == 0)
            {
                continue;
            }

            var metric = long.TryParse(fields[6], NumberStyles.Integer, CultureInfo.InvariantCulture, out var m) ? m : long.MaxValue - 1;
            if (metric < bestMetric)
            {
                best = fields[0];
                bestMetric = metric;
            }
        }

        return best;
    }

    /// <summary>The link type of an interface: wireless per sysfs, else by the usual kernel/udev names.</summary>
    public static LinkType ClassifyInterface(string? name, bool isWireless)
    {
        if (string.IsNullOrEmpty(name))
        {
            return LinkType.Unknown;
        }

        if (isWireless || name.StartsWith("wl", StringComparison.Ordinal))
        {
            return LinkType.Wifi;
        }

        if (name.StartsWith("wwan", StringComparison.Ordinal) || name.StartsWith("wwp", StringComparison.Ordinal)
            || name.StartsWith("usb", StringComparison.Ordinal) || name.StartsWith("ppp", StringComparison.Ordinal))
        {
            return LinkType.Cellular;
        }

        if (name == "lo")
        {
            return LinkType.Loopback;
        }

        return name.StartsWith("eth", StringComparison.Ordinal) || name.StartsWith("en", StringComparison.Ordinal)
            ? LinkType.Ethernet
            : LinkType.Unknown;
    }

    /// <summary>
    /// /proc/net/wireless → signal level of <paramref name="interfaceName"/> in dBm. Drivers that report the level as
    /// an unsigned byte (e.g. 216 for −40 dBm) are converted; 0 and out-of-range values mean "unknown".
    /// </summary>
    public static int? ParseWirelessSignal(string? text, string? interfaceName)
    {
        if (string.IsNullOrEmpty(interfaceName))
        {
            return null;
        }

        foreach (var line in Lines(text))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[..colon].Trim() != interfaceName)
            {
                continue;
            }

            var fields = Fields(line[(colon + 1)..]);
            if (fields.Length < 3
                || !double.TryParse(fields[2].TrimEnd('.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var level))
            {
                return null;
            }

            var dbm = (int)Math.Round(level > 0 ? level - 256 : level);
            return dbm is < 0 and >= -200 ? dbm : null;
        }

        return null;
    }

    /// <summary>Clock source: "ntp" when systemd-timesyncd says synchronised, else "rtc" with a hardware clock, else "none".</summary>
    public static string ClockSource(bool synchronised, bool hasRtc) =>
        synchronised ? "ntp" : hasRtc ? "rtc" : "none";

    /// <summary>/proc/device-tree/model (NUL-terminated) → board model, or "generic-linux".</summary>
    public static string ParseBoardModel(string? text)
    {
        var model = text?.Trim('\0', ' ', '\n', '\r', '\t');
        return string.IsNullOrEmpty(model) ? "generic-linux" : model;
    }

    /// <summary>A NUL-terminated device-tree string (e.g. serial-number), or null.</summary>
    public static string? ParseDeviceTreeString(string? text)
    {
        var value = text?.Trim('\0', ' ', '\n', '\r', '\t');
        return string.IsNullOrEmpty(value) ? null : value;
    }

    /// <summary>/etc/os-release → PRETTY_NAME, or null.</summary>
    public static string? ParseOsPrettyName(string? text)
    {
        foreach (var line in Lines(text))
        {
            if (line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))
            {
                var value = line["PRETTY_NAME=".Length..].Trim().Trim('"');
                return value.Length == 0 ? null : value;
            }
        }

        return null;
    }

    private static long? ParseKb(string line)
    {
        var fields = Fields(line);
        return fields.Length >= 2 && long.TryParse(fields[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var kb) && kb >= 0
            ? kb
            : null;
    }

    private static string[] Lines(string? text) =>
        text is null ? [] : text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static string[] Fields(string? line) =>
        line is null ? [] : line.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
}
