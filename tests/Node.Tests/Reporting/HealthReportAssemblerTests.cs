using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests.Reporting;

public sealed class HealthReportAssemblerTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 8, 0, 0, TimeSpan.Zero);

    private readonly FakeTimeProvider _time = new(Now);
    private readonly ListLogger<HealthReportAssemblerTests> _logger = new();

    [Fact]
    public async Task Each_contributor_fills_its_own_part_and_the_session_adds_its_numbers()
    {
        var relays = new RelayHealth { Amplifier = true, SpeakerLine = true, AccessPoint = false };
        var assembler = Assembler(
            new SystemReadingsContributor(new FixedReadings()),
            new PartContributor(report => report.Relays = relays));
        var session = new ReportContext(BdSeq: 7, BrokerIndex: 1, ConnectionNumber: 3);

        var health = await assembler.AssembleAsync(session, connections: 4, uptimeSeconds: 90, CancellationToken.None);

        Assert.NotNull(health);
        Assert.Equal(1, health.Seq);
        Assert.Equal(7, health.BdSeq);
        Assert.Equal(Now, health.Ts);
        Assert.Equal(90, health.UptimeSeconds);
        Assert.Equal(FixedReadings.Sample.Cpu, health.Cpu);
        Assert.Equal(FixedReadings.Sample.Memory, health.Memory);
        Assert.Equal(FixedReadings.Sample.Clock, health.Clock);
        Assert.Equal(new LinkHealth { Type = LinkType.Wifi, SignalDbm = -61, Broker = 1, Connections = 4 }, health.Link);
        Assert.Equal(relays, health.Relays);
        Assert.Null(health.Audio);
        Assert.Null(health.Inputs);
        Assert.Null(health.RefusedCommands);
    }

    [Fact]
    public async Task A_real_node_reports_no_relays_or_audio_and_a_simulated_one_only_its_simulated_relays()
    {
        var data = Directory.CreateTempSubdirectory("sl-assembler-").FullName;
        try
        {
            var real = await Assembler([.. NodeComposer.HealthContributors(NodeDrivers.Linux(data), control: null)])
                .AssembleAsync(new ReportContext(0, 0, 1), 1, 0, CancellationToken.None);
            var simulated = await Assembler([.. NodeComposer.HealthContributors(NodeDrivers.Simulated(1), control: null)])
                .AssembleAsync(new ReportContext(0, 0, 1), 1, 0, CancellationToken.None);

            Assert.NotNull(real);
            Assert.Null(real.Relays);
            Assert.Null(real.Audio);
            Assert.Null(real.Inputs);
            Assert.NotNull(simulated);
            Assert.Equal(new RelayHealth { Amplifier = false, SpeakerLine = false, AccessPoint = true }, simulated.Relays);
            Assert.Null(simulated.Audio);
        }
        finally
        {
            Directory.Delete(data, recursive: true);
        }
    }

    [Fact]
    public async Task A_failing_contributor_skips_the_report_without_using_a_seq()
    {
        var failing = true;
        var assembler = Assembler(
            new SystemReadingsContributor(new FixedReadings()),
            new PartContributor(_ =>
            {
                if (failing)
                {
                    throw new IOException("GPIO chip gone");
                }
            }));
        var session = new ReportContext(0, 0, 1);

        Assert.Null(await assembler.AssembleAsync(session, 1, 0, CancellationToken.None));
        Assert.Single(_logger.Warnings, w => w.Contains("report skipped", StringComparison.Ordinal));

        failing = false;
        Assert.Equal(1, (await assembler.AssembleAsync(session, 1, 0, CancellationToken.None))!.Seq);
    }

    [Fact]
    public async Task Without_the_system_readings_no_report_is_invented()
    {
        var assembler = Assembler(new PartContributor(report => report.Audio = new AudioHealth { State = "idle" }));

        Assert.Null(await assembler.AssembleAsync(new ReportContext(0, 0, 1), 1, 0, CancellationToken.None));
        Assert.Single(_logger.Warnings, w => w.Contains("processor, memory and clock", StringComparison.Ordinal));
    }

    private HealthReportAssembler Assembler(params IHealthContributor[] contributors) => new("node-r", contributors, _time, _logger);

    private sealed class FixedReadings : IHealthSource
    {
        public static readonly HealthSample Sample = new()
        {
            Cpu = new CpuHealth { TempC = 51.5, Load1 = 0.4, Load5 = 0.3 },
            Memory = new MemoryHealth { TotalMb = 3792, AvailableMb = 3000, DiskTotalMb = 29_580, DiskFreeMb = 20_000 },
            LinkType = LinkType.Wifi,
            SignalDbm = -61,
            Clock = new ClockHealth { Synced = true, Source = "ntp" },
        };

        public HardwareProfile Hardware { get; } = new() { Model = "test", Simulated = true };

        public ValueTask<HealthSample> ReadAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Sample);
    }

    private sealed class PartContributor(Action<HealthReportDraft> fill) : IHealthContributor
    {
        public ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
        {
            fill(report);
            return ValueTask.CompletedTask;
        }
    }
}
