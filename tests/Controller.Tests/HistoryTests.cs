using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class HistoryTests
{
    private static readonly Dictionary<string, string?> ShortRetention = new()
    {
        ["Store:RawHealthRetention"] = "02:00:00",
        ["Store:MaintenanceInterval"] = "00:10:00",
    };

    [Fact]
    public async Task Complete_hours_are_aggregated_and_raw_reports_pruned_after_their_window_on_the_fake_clock()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path, settings: ShortRetention);
        await using var node = await host.BornNodeAsync("node-a", heartbeatSeconds: 30);
        var start = host.Clock.GetUtcNow();
        foreach (var (minutes, temp, synced) in new[] { (5, 50.0, true), (25, 60.0, true), (45, 70.0, false) })
        {
            host.Clock.SetUtcNow(start.AddMinutes(minutes));
            var ingested = host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
            await node.PublishAsync(NodeMessageKind.Health, Wire.Health(seq: minutes, tempC: temp, synced: synced));
            await ingested;
        }

        // 01:10: hour 00 is complete and aggregated; its raw reports are younger than two hours and stay.
        await AdvanceToMaintenanceAsync(host, start.AddMinutes(70));
        var hourly = await GetJsonAsync(host, "/api/nodes/node-a/history?resolution=hour&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z");
        var hour = Assert.Single(hourly.GetProperty("hourly").EnumerateArray());
        Assert.Equal(3, hour.GetProperty("samples").GetInt32());
        Assert.Equal((50d, 60d, 70d), (hour.GetProperty("cpuTempC").GetProperty("min").GetDouble(), hour.GetProperty("cpuTempC").GetProperty("avg").GetDouble(), hour.GetProperty("cpuTempC").GetProperty("max").GetDouble()));
        Assert.Equal(2 / 3d, hour.GetProperty("clockSyncedShare").GetDouble(), 6);
        var raw = await GetJsonAsync(host, "/api/nodes/node-a/history?from=2026-05-01T00:00:00Z&to=2026-05-01T06:00:00Z");
        Assert.Equal([5, 25, 45], raw.GetProperty("raw").EnumerateArray().Select(sample => sample.GetProperty("health").GetProperty("seq").GetInt32()));

        // 03:00: the raw reports are past their two hours and go; the aggregate stays.
        await AdvanceToMaintenanceAsync(host, start.AddHours(3));
        raw = await GetJsonAsync(host, "/api/nodes/node-a/history?from=2026-05-01T00:00:00Z&to=2026-05-01T06:00:00Z");
        Assert.Empty(raw.GetProperty("raw").EnumerateArray());
        Assert.Empty((await host.GetNodeAsync("node-a")).GetProperty("history").EnumerateArray());
        hourly = await GetJsonAsync(host, "/api/nodes/node-a/history?resolution=hour&from=2026-05-01T00:00:00Z&to=2026-05-02T00:00:00Z");
        Assert.Single(hourly.GetProperty("hourly").EnumerateArray());
        host.AssertNoErrors();
    }

    [Theory]
    [InlineData("resolution=minute", "Invalid resolution")]
    [InlineData("from=yesterday", "Invalid 'from'")]
    [InlineData("to=2026-05-01T06:00:00", "Invalid 'to'")]
    [InlineData("from=2026-05-02T00:00:00Z&to=2026-05-01T00:00:00Z", "Empty range")]
    [InlineData("from=2026-04-01T00:00:00Z&to=2026-05-01T00:00:00Z", "Range too long")]
    public async Task A_bad_history_query_is_a_400_that_names_the_problem(string query, string title)
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path);
        await using var node = await host.BornNodeAsync("node-q");
        var response = await host.Http.GetAsync(new Uri("/api/nodes/node-q/history?" + query, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(title, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString());
    }

    [Fact]
    public async Task Events_are_paged_in_storing_order_with_a_cursor()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path);
        await using var node = await host.BornNodeAsync("node-e");
        for (var i = 0; i < 5; i++)
        {
            var stored = host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
            await node.PublishAsync(NodeMessageKind.Event, Wire.Event($"ev-{i}"));
            await stored;
            Assert.Equal([$"ev-{i}"], (await node.NextAckAsync()).Ids);
        }

        var ids = new List<string>();
        var pages = 0;
        string after = "0";
        while (true)
        {
            var page = await GetJsonAsync(host, $"/api/nodes/node-e/events?after={after}&limit=2");
            pages++;
            ids.AddRange(page.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetString()!));
            if (page.GetProperty("next").ValueKind == JsonValueKind.Null)
            {
                break;
            }

            after = page.GetProperty("next").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        Assert.Equal(["ev-0", "ev-1", "ev-2", "ev-3", "ev-4"], ids);
        Assert.Equal(3, pages);
        foreach (var bad in new[] { "limit=0", "limit=1001", "after=-1", "after=x" })
        {
            Assert.Equal(HttpStatusCode.BadRequest, (await host.Http.GetAsync(new Uri("/api/nodes/node-e/events?" + bad, UriKind.Relative))).StatusCode);
        }

        Assert.Equal(HttpStatusCode.NotFound, (await host.Http.GetAsync(new Uri("/api/nodes/nobody/events", UriKind.Relative))).StatusCode);
    }

    private static async Task AdvanceToMaintenanceAsync(ControllerHost host, DateTimeOffset target)
    {
        var maintenance = host.Services.GetRequiredService<StoreMaintenance>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnMaintained(DateTimeOffset at)
        {
            if (at >= target)
            {
                done.TrySetResult();
            }
        }

        maintenance.Maintained += OnMaintained;
        try
        {
            // Step by the interval so the periodic timer fires at each tick on the way, as real time would.
            while (host.Clock.GetUtcNow() < target)
            {
                host.Clock.Advance(TimeSpan.FromMinutes(10));
            }

            await done.Task.WaitAsync(ControllerHost.Timeout);
        }
        finally
        {
            maintenance.Maintained -= OnMaintained;
        }
    }

    private static async Task<JsonElement> GetJsonAsync(ControllerHost host, string path)
    {
        var response = await host.Http.GetAsync(new Uri(path, UriKind.Relative));
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}
