using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Browser.Tests;

/// <summary>
/// Days of one node's health written into a Controller's data folder before the Controller starts, through the
/// store's own API: raw reports, then the store's maintenance folds them into hourly aggregates exactly as in
/// production. Over MQTT this is impossible in a test: the Controller stamps each report with its arrival time.
/// </summary>
internal static class HealthHistorySeed
{
    /// <summary>Reports per hour in the seeded history (one every 5 minutes).</summary>
    public const int ReportsPerHour = 12;

    /// <summary>The seeded history starts this long before the fixture starts…</summary>
    public static readonly TimeSpan Start = TimeSpan.FromDays(5);

    /// <summary>…and ends this long before it: older than a day, so the default 24-hour view shows only live reports.</summary>
    public static readonly TimeSpan End = TimeSpan.FromHours(30);

    /// <summary>Hours, counted from the start, in which the node was silent: the 7-day chart must show a gap there.</summary>
    public static readonly (int From, int To) Silence = (40, 46);

    /// <summary>Hours of the seeded history that have reports, hence an hourly aggregate.</summary>
    public static int HoursWithReports => (int)(Start - End).TotalHours - (Silence.To - Silence.From);

    public static async Task WriteAsync(string dataDirectory, string nodeId, DateTimeOffset now)
    {
        Directory.CreateDirectory(dataDirectory);
        var options = new StoreOptions { DataDirectory = dataDirectory };
        using var engine = new StoreEngine(
            Microsoft.Extensions.Options.Options.Create(options),
            [new FleetSchema(), new CommandSchema()],
            new StoreFileSystem(),
            new ControllerMetrics(),
            TimeProvider.System,
            NullLogger<StoreEngine>.Instance);
        var store = new FleetRepository(engine, Microsoft.Extensions.Options.Options.Create(options), NullLogger<FleetRepository>.Instance);

        var first = RetentionPlanner.FloorHour(now - Start);
        var writes = new List<Task>();
        var hours = (int)(Start - End).TotalHours;
        for (var hour = 0; hour < hours; hour++)
        {
            if (hour >= Silence.From && hour < Silence.To)
            {
                continue;
            }

            for (var report = 0; report < ReportsPerHour; report++)
            {
                var at = first.AddHours(hour).AddMinutes(report * 60 / ReportsPerHour);
                writes.Add(store.AppendHealthAsync(new HealthRecord(nodeId, at, Report(hour, report, at))));
            }
        }

        await Task.WhenAll(writes);

        // Each maintenance run aggregates at most a day of hours; run it until it has caught up with "now".
        while ((await store.MaintainAsync(now)).AggregateHours.Count > 0)
        {
        }
    }

    /// <summary>A plausible day: warmer in the afternoon (commune time, UTC+7), busier by day, the clock lost for a few hours.</summary>
    private static NodeHealth Report(int hour, int report, DateTimeOffset at)
    {
        var localHour = (at.UtcDateTime.Hour + 7) % 24 + (report / (double)ReportsPerHour);
        var daylight = Math.Sin((localHour - 8) / 24 * 2 * Math.PI);
        return new NodeHealth
        {
            Seq = ((hour * ReportsPerHour) + report) % 256,
            BdSeq = 1,
            Ts = at,
            UptimeSeconds = 3600L * hour,
            Cpu = new CpuHealth { TempC = Math.Round(52 + (8 * daylight) + (report % 3), 1), Load1 = Math.Round(0.6 + (0.4 * daylight) + (report % 4 * 0.1), 2), Load5 = 0.5 },
            Memory = new MemoryHealth { TotalMb = 1024, AvailableMb = 600, DiskTotalMb = 8000, DiskFreeMb = 5000 },
            Link = new LinkHealth { Type = LinkType.Cellular, SignalDbm = -72 + (int)Math.Round(6 * daylight) - (report % 5), Broker = 0, Connections = 1 },

            // Lost sync for three hours, and for one report in four in another stretch: partial hours show as a share.
            Clock = new ClockHealth { Synced = hour is not (20 or 21 or 22) && !(hour is > 60 and < 66 && report % 4 == 0), Source = "gps", OffsetMs = 3 },
        };
    }
}
