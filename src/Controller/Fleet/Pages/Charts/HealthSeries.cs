using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Charts;

/// <summary>Turns stored health (raw reports or hourly aggregates) into chart series. Pure: records in, series out.</summary>
internal static class HealthSeries
{
    /// <summary>
    /// Most points a raw chart draws. A phone-wide chart has a few hundred pixels; a day of reports every 10 s is
    /// 8640 points, which would make the page heavy on 4G for nothing. Past this, reports are summarised per slot.
    /// </summary>
    public const int MaxRawPoints = 360;

    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);

    /// <summary>
    /// One figure of raw reports (oldest first) over [<paramref name="from"/>, <paramref name="to"/>]. Up to
    /// <see cref="MaxRawPoints"/> reports are drawn as they are; more are summarised into that many equal slots
    /// (average line, min–max band, flagged when any report in the slot is), and the gap rule widens to one slot.
    /// The summary figures always come from every report.
    /// </summary>
    public static ChartSeries FromRaw(
        IReadOnlyList<HealthRecord> records,
        Func<NodeHealth, double?> value,
        Func<NodeHealth, bool>? flagged,
        DateTimeOffset from,
        DateTimeOffset to,
        TimeSpan maxGap)
    {
        var samples = records
            .Select(record => new ChartPoint(record.ReceivedAt, value(record.Health), flagged?.Invoke(record.Health) ?? false))
            .ToArray();
        var values = samples.Select(sample => sample.Value).OfType<double>().Where(double.IsFinite).ToArray();
        var stats = MinAvgMax.Of(values);
        if (samples.Length <= MaxRawPoints || to <= from)
        {
            return new ChartSeries(samples, maxGap, values.Length, stats?.Min, stats?.Avg, stats?.Max);
        }

        var slot = (to - from) / MaxRawPoints;
        var points = samples
            .GroupBy(sample => Math.Clamp((long)((sample.At - from) / slot), 0, MaxRawPoints - 1))
            .OrderBy(group => group.Key)
            .Select(group =>
            {
                var figures = MinAvgMax.Of(group.Select(sample => sample.Value).OfType<double>().Where(double.IsFinite));
                return new ChartPoint(from + (slot * (group.Key + 0.5)), figures?.Avg, group.Any(sample => sample.Flagged), figures?.Min, figures?.Max);
            })
            .ToArray();
        return new ChartSeries(points, slot > maxGap ? slot : maxGap, values.Length, stats?.Min, stats?.Avg, stats?.Max);
    }

    /// <summary>
    /// One figure of hourly aggregates: the hour's average drawn at the middle of the hour, its min and max as the band.
    /// Only neighbouring hours are joined: an hour without an aggregate (the node was silent) is a gap.
    /// </summary>
    public static ChartSeries FromHourly(IReadOnlyList<HealthAggregate> hours, Func<HealthAggregate, MinAvgMax?> figure)
    {
        var present = hours.Select(hour => (hour, Figures: figure(hour))).ToArray();
        var points = present
            .Select(item => new ChartPoint(Middle(item.hour), item.Figures?.Avg, Flagged: false, item.Figures?.Min, item.Figures?.Max))
            .ToArray();
        var with = present.Where(item => item.Figures is not null).ToArray();
        var samples = with.Sum(item => item.hour.Samples);
        return with.Length == 0
            ? new ChartSeries(points, Hour, 0, null, null, null)
            : new ChartSeries(
                points,
                Hour,
                samples,
                with.Min(item => item.Figures!.Min),
                samples == 0 ? with.Average(item => item.Figures!.Avg) : with.Sum(item => item.Figures!.Avg * item.hour.Samples) / samples,
                with.Max(item => item.Figures!.Max));
    }

    /// <summary>
    /// The clock over hours: the share of each hour's reports whose clock was synchronised, in percent (0–100), an
    /// hour below 100 % flagged. The average is over reports, not hours.
    /// </summary>
    public static ChartSeries ClockSyncedPercent(IReadOnlyList<HealthAggregate> hours)
    {
        var points = hours
            .Select(hour => new ChartPoint(Middle(hour), hour.ClockSyncedShare * 100, Flagged: hour.ClockSyncedShare < 1))
            .ToArray();
        var samples = hours.Sum(hour => hour.Samples);
        return hours.Count == 0
            ? new ChartSeries(points, Hour, 0, null, null, null)
            : new ChartSeries(
                points,
                Hour,
                samples,
                hours.Min(hour => hour.ClockSyncedShare) * 100,
                samples == 0 ? null : hours.Sum(hour => hour.ClockSyncedShare * hour.Samples) * 100 / samples,
                hours.Max(hour => hour.ClockSyncedShare) * 100);
    }

    /// <summary>
    /// Hourly aggregates of raw reports, computed as the store's maintenance computes them. Used for the last hour or
    /// two, which maintenance (every few minutes, complete hours only) has not aggregated yet: without them a 7-day
    /// chart would stop an hour or more before now.
    /// </summary>
    public static IReadOnlyList<HealthAggregate> Aggregate(IReadOnlyList<HealthRecord> records) =>
        records
            .GroupBy(record => (record.NodeId, Hour: RetentionPlanner.FloorHour(record.ReceivedAt)))
            .OrderBy(group => group.Key.Hour)
            .Select(group =>
            {
                var samples = group.Select(record => record.Health).ToList();
                return new HealthAggregate
                {
                    NodeId = group.Key.NodeId,
                    Hour = group.Key.Hour,
                    Samples = samples.Count,
                    ClockSyncedShare = samples.Count(sample => sample.Clock.Synced) / (double)samples.Count,
                    CpuTempC = MinAvgMax.Of(samples.Where(sample => sample.Cpu.TempC.HasValue).Select(sample => sample.Cpu.TempC!.Value)),
                    Load1 = MinAvgMax.Of(samples.Select(sample => sample.Cpu.Load1))!,
                    SignalDbm = MinAvgMax.Of(samples.Where(sample => sample.Link.SignalDbm.HasValue).Select(sample => (double)sample.Link.SignalDbm!.Value)),
                    MemoryAvailableMb = MinAvgMax.Of(samples.Select(sample => (double)sample.Memory.AvailableMb))!,
                    DiskFreeMb = MinAvgMax.Of(samples.Select(sample => (double)sample.Memory.DiskFreeMb))!,
                };
            })
            .ToArray();

    private static DateTimeOffset Middle(HealthAggregate hour) => hour.Hour + (Hour / 2);
}
