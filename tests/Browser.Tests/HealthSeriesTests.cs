using SmartLoudspeaker.Controller.Fleet.Pages.Charts;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>Stored health (raw reports, hourly aggregates) becoming chart series: pure functions, no browser.</summary>
public sealed class HealthSeriesTests
{
    private static readonly DateTimeOffset H0 = new(2025, 6, 1, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void An_hour_is_drawn_at_its_middle_with_its_average_as_the_line_and_its_extremes_as_the_band()
    {
        var series = HealthSeries.FromHourly([Hour(0, 10, temp: new MinAvgMax(40, 45, 55))], hour => hour.CpuTempC);

        var point = Assert.Single(series.Points);
        Assert.Equal(H0.AddMinutes(30), point.At);
        Assert.Equal((45.0, 40.0, 55.0), (point.Value!.Value, point.Low!.Value, point.High!.Value));
    }

    [Fact]
    public void The_range_summary_is_the_lowest_low_the_highest_high_and_the_mean_over_reports_not_hours()
    {
        var series = HealthSeries.FromHourly(
            [Hour(0, 30, temp: new MinAvgMax(40, 42, 44)), Hour(1, 10, temp: new MinAvgMax(50, 52, 60))],
            hour => hour.CpuTempC);

        Assert.Equal(40, series.Min);
        Assert.Equal(60, series.Max);
        Assert.Equal(((42 * 30) + (52 * 10)) / 40.0, series.Avg!.Value, precision: 9);
        Assert.Equal(40, series.Samples);
    }

    [Fact]
    public void Only_neighbouring_hours_are_joined_so_a_silent_hour_is_a_gap()
    {
        var series = HealthSeries.FromHourly([Hour(0, 12), Hour(1, 12), Hour(3, 12)], hour => hour.Load1);
        var frame = SvgChart.FrameFor(series.Points, H0, H0.AddHours(4));

        var path = SvgChart.Path(series.Points, frame, series.MaxGap);

        Assert.Equal(2, path.Count(letter => letter == 'M'));
        Assert.Equal(1, path.Count(letter => letter == 'L'));
    }

    [Fact]
    public void A_figure_the_node_does_not_report_gives_no_summary_figures()
    {
        var series = HealthSeries.FromHourly([Hour(0, 12), Hour(1, 12)], hour => hour.SignalDbm);

        Assert.Null(series.Min);
        Assert.Null(series.Avg);
        Assert.Equal(0, series.Samples);
        Assert.Equal(string.Empty, SvgChart.Path(series.Points, SvgChart.FrameFor(series.Points, H0, H0.AddHours(2)), series.MaxGap));
    }

    [Fact]
    public void The_clock_over_hours_is_the_share_synchronised_in_percent_with_partial_hours_flagged()
    {
        var series = HealthSeries.ClockSyncedPercent([Hour(0, 10, synced: 1), Hour(1, 30, synced: 0.5)]);

        Assert.Equal([100.0, 50.0], series.Points.Select(point => point.Value!.Value));
        Assert.Equal([false, true], series.Points.Select(point => point.Flagged));
        Assert.Equal(50, series.Min);
        Assert.Equal(100, series.Max);
        Assert.Equal(((1 * 10) + (0.5 * 30)) * 100 / 40, series.Avg!.Value, precision: 9);
    }

    [Fact]
    public void A_few_raw_reports_are_drawn_as_they_are()
    {
        var records = Enumerable.Range(0, 5).Select(i => Raw(H0.AddSeconds(30 * i), 40 + i)).ToArray();

        var series = HealthSeries.FromRaw(records, health => health.Cpu.TempC, null, H0, H0.AddHours(6), TimeSpan.FromSeconds(90));

        Assert.Equal(5, series.Points.Count);
        Assert.All(series.Points, point => Assert.Null(point.Low));
        Assert.Equal((40.0, 42.0, 44.0), (series.Min!.Value, series.Avg!.Value, series.Max!.Value));
    }

    [Fact]
    public void Many_raw_reports_are_summarised_into_slots_with_bands_but_the_summary_uses_every_report()
    {
        // A day of reports every 10 s: 8640, far more than a phone-wide chart can show.
        var records = Enumerable.Range(0, 8640).Select(i => Raw(H0.AddSeconds(10 * i), i % 2 == 0 ? 40 : 50, synced: i != 7)).ToArray();

        var series = HealthSeries.FromRaw(records, health => health.Cpu.TempC, health => !health.Clock.Synced, H0, H0.AddDays(1), TimeSpan.FromSeconds(30));

        Assert.Equal(HealthSeries.MaxRawPoints, series.Points.Count);
        Assert.All(series.Points, point => Assert.Equal((40.0, 45.0, 50.0), (point.Low!.Value, point.Value!.Value, point.High!.Value)));
        Assert.Single(series.Points, point => point.Flagged);
        Assert.Equal(TimeSpan.FromMinutes(4), series.MaxGap);
        Assert.Equal(8640, series.Samples);
    }

    [Fact]
    public void Raw_reports_not_yet_aggregated_are_aggregated_per_hour_as_the_store_does()
    {
        var records = new[]
        {
            Raw(H0.AddMinutes(10), 40, synced: true), Raw(H0.AddMinutes(50), 60, synced: false), Raw(H0.AddMinutes(70), 50, synced: true),
        };

        var hours = HealthSeries.Aggregate(records);

        Assert.Equal([H0, H0.AddHours(1)], hours.Select(hour => hour.Hour));
        Assert.Equal(new MinAvgMax(40, 50, 60), hours[0].CpuTempC);
        Assert.Equal(0.5, hours[0].ClockSyncedShare);
        Assert.Equal(2, hours[0].Samples);
    }

    [Theory]
    [InlineData("6h", false)]
    [InlineData("24h", false)]
    [InlineData("7d", true)]
    [InlineData("30d", true)]
    public void Short_ranges_use_raw_reports_and_long_ones_hourly_aggregates(string key, bool hourly)
    {
        Assert.Equal(hourly, HistoryRange.Find(key)!.Hourly);
    }

    [Theory]
    [InlineData("")]
    [InlineData("7D")]
    [InlineData("1y")]
    [InlineData("24h ")]
    public void Anything_but_an_offered_range_is_not_a_range(string key)
    {
        Assert.Null(HistoryRange.Find(key));
        Assert.Equal("24h", HistoryRange.Default.Key);
    }

    private static HealthAggregate Hour(int hour, int samples, MinAvgMax? temp = null, double synced = 1) => new()
    {
        NodeId = "n",
        Hour = H0.AddHours(hour),
        Samples = samples,
        ClockSyncedShare = synced,
        CpuTempC = temp,
        Load1 = new MinAvgMax(0.1, 0.5, 0.9),
        SignalDbm = null,
        MemoryAvailableMb = new MinAvgMax(500, 500, 500),
        DiskFreeMb = new MinAvgMax(5000, 5000, 5000),
    };

    private static HealthRecord Raw(DateTimeOffset at, double temp, bool synced = true) => new("n", at, new NodeHealth
    {
        Seq = 0,
        BdSeq = 0,
        Ts = at,
        Cpu = new CpuHealth { TempC = temp, Load1 = 0.5 },
        Memory = new MemoryHealth { TotalMb = 1024, AvailableMb = 500, DiskTotalMb = 8000, DiskFreeMb = 5000 },
        Link = new LinkHealth { Type = LinkType.Ethernet },
        Clock = new ClockHealth { Synced = synced, Source = "ntp" },
    });
}
