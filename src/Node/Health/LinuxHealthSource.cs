using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>
/// Real readings on a Linux board (a Raspberry Pi in the field). Every file is optional: what cannot be read is
/// reported as unknown. The file-system root is a parameter so tests can point it at a fake tree.
/// </summary>
public sealed class LinuxHealthSource : IHealthSource
{
    private readonly string _root;
    private readonly string _dataDirectory;

    /// <summary>Creates a source that reads below <paramref name="rootDirectory"/> ("/" on a real node).</summary>
    /// <param name="dataDirectory">The node's data folder; its file system's size and free space are reported.</param>
    /// <param name="rootDirectory">Where /proc, /sys, /run, /dev and /etc are looked for.</param>
    public LinuxHealthSource(string dataDirectory, string rootDirectory = "/")
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dataDirectory);
        ArgumentException.ThrowIfNullOrWhiteSpace(rootDirectory);
        _dataDirectory = dataDirectory;
        _root = rootDirectory;
        Hardware = new HardwareProfile
        {
            Model = LinuxParsers.ParseBoardModel(ReadText("proc/device-tree/model")),
            Serial = LinuxParsers.ParseDeviceTreeString(ReadText("proc/device-tree/serial-number")),
            Os = LinuxParsers.ParseOsPrettyName(ReadText("etc/os-release")),
            Simulated = false,
        };
    }

    /// <inheritdoc />
    public HardwareProfile Hardware { get; }

    /// <inheritdoc />
    public ValueTask<HealthSample> ReadAsync(CancellationToken cancellationToken)
    {
        var load = LinuxParsers.ParseLoadAverage(ReadText("proc/loadavg"));
        var memory = LinuxParsers.ParseMemInfo(ReadText("proc/meminfo"));
        var (diskTotalMb, diskFreeMb) = ReadDisk(_dataDirectory);
        var routeInterface = LinuxParsers.ParseDefaultRouteInterface(ReadText("proc/net/route"));
        var wireless = routeInterface is not null && Exists($"sys/class/net/{routeInterface}/wireless");
        var linkType = LinuxParsers.ClassifyInterface(routeInterface, wireless);
        var synced = Exists("run/systemd/timesync/synchronized");

        return ValueTask.FromResult(new HealthSample
        {
            Cpu = new CpuHealth
            {
                TempC = LinuxParsers.ParseThermalZone(ReadText("sys/class/thermal/thermal_zone0/temp")),
                Load1 = load?.Load1 ?? 0,
                Load5 = load?.Load5 ?? 0,
            },
            Memory = new MemoryHealth
            {
                TotalMb = memory?.TotalMb ?? 0,
                AvailableMb = memory?.AvailableMb ?? 0,
                DiskTotalMb = diskTotalMb,
                DiskFreeMb = diskFreeMb,
            },
            LinkType = linkType,
            SignalDbm = linkType is LinkType.Wifi or LinkType.Cellular
                ? LinuxParsers.ParseWirelessSignal(ReadText("proc/net/wireless"), routeInterface)
                : null,
            Clock = new ClockHealth
            {
                Synced = synced,
                Source = LinuxParsers.ClockSource(synced, Exists("dev/rtc0")),
            },
        });
    }

    /// <summary>Size and free space of the file system holding <paramref name="directory"/> (or its nearest existing parent).</summary>
    internal static (long TotalMb, long FreeMb) ReadDisk(string directory)
    {
        try
        {
            var path = Path.GetFullPath(directory);
            while (!Directory.Exists(path))
            {
                var parent = Path.GetDirectoryName(path);
                if (parent is null)
                {
                    return (0, 0);
                }

                path = parent;
            }

            var drive = new DriveInfo(path);
            return (drive.TotalSize / (1024 * 1024), drive.AvailableFreeSpace / (1024 * 1024));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return (0, 0);
        }
    }

    private string? ReadText(string relativePath)
    {
        try
        {
            return File.ReadAllText(Path.Combine(_root, relativePath));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            return null;
        }
    }

    private bool Exists(string relativePath)
    {
        var path = Path.Combine(_root, relativePath);
        return File.Exists(path) || Directory.Exists(path);
    }
}
