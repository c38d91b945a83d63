using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests;

public sealed class LinuxHealthSourceTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("sl-node-root-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public async Task Reads_a_fake_pi_tree()
    {
        Write("proc/device-tree/model", "Raspberry Pi 4 Model B Rev 1.4\0");
        Write("proc/loadavg", "0.25 0.50 0.75 1/100 42\n");
        Write("proc/meminfo", "MemTotal: 2048000 kB\nMemAvailable: 1024000 kB\n");
        Write("sys/class/thermal/thermal_zone0/temp", "51234\n");
        Write("proc/net/route", "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\nwlan0\t00000000\t0101A8C0\t0003\t0\t0\t600\t00000000\t0\t0\t0\n");
        Directory.CreateDirectory(Path.Combine(_root, "sys/class/net/wlan0/wireless"));
        Write("proc/net/wireless", "h1\nh2\n wlan0: 0000   40.  -67.  -256  0 0 0 0 0 0\n");
        Write("run/systemd/timesync/synchronized", string.Empty);
        var source = new LinuxHealthSource(_root, _root);

        var sample = await source.ReadAsync(CancellationToken.None);

        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", source.Hardware.Model);
        Assert.False(source.Hardware.Simulated);
        Assert.Equal(51.2, sample.Cpu.TempC);
        Assert.Equal(0.25, sample.Cpu.Load1);
        Assert.Equal(0.50, sample.Cpu.Load5);
        Assert.Equal(2000, sample.Memory.TotalMb);
        Assert.Equal(1000, sample.Memory.AvailableMb);
        Assert.True(sample.Memory.DiskTotalMb > 0);
        Assert.Equal(LinkType.Wifi, sample.LinkType);
        Assert.Equal(-67, sample.SignalDbm);
        Assert.True(sample.Clock.Synced);
        Assert.Equal("ntp", sample.Clock.Source);
    }

    [Fact]
    public async Task Missing_files_give_unknowns_not_exceptions()
    {
        var source = new LinuxHealthSource(Path.Combine(_root, "no", "such", "data"), Path.Combine(_root, "empty"));

        var sample = await source.ReadAsync(CancellationToken.None);

        Assert.Equal("generic-linux", source.Hardware.Model);
        Assert.Null(sample.Cpu.TempC);
        Assert.Equal(0, sample.Memory.TotalMb);
        Assert.Equal(LinkType.Unknown, sample.LinkType);
        Assert.Null(sample.SignalDbm);
        Assert.False(sample.Clock.Synced);
        Assert.Equal("none", sample.Clock.Source);
    }

    [Fact]
    public async Task Real_machine_reading_is_a_valid_health_report()
    {
        var source = new LinuxHealthSource(_root);
        var sample = await source.ReadAsync(CancellationToken.None);
        var health = new NodeHealth
        {
            Seq = 1,
            BdSeq = 0,
            Ts = DateTimeOffset.UnixEpoch,
            Cpu = sample.Cpu,
            Memory = sample.Memory,
            Link = new LinkHealth { Type = sample.LinkType, SignalDbm = sample.SignalDbm },
            Clock = sample.Clock,
        };

        Assert.Null(health.FindProblem());
        Assert.True(WireCodec.Decode<NodeHealth>(WireCodec.Encode(health)).Succeeded);
    }

    private void Write(string relativePath, string text)
    {
        var path = Path.Combine(_root, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
