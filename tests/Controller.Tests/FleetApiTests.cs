using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Tests;

public sealed class FleetApiTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public FleetApiTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_born_node_is_listed_online_and_shows_its_latest_health()
    {
        await using var node = await _host.BornNodeAsync("node-a");
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health(tempC: 55.5));
        Assert.True((await ingested).Accepted);

        var listed = await _host.GetListedNodeAsync("node-a");
        Assert.True(listed.GetProperty("online").GetBoolean());
        Assert.Equal(_host.Clock.GetUtcNow(), listed.GetProperty("lastSeen").GetDateTimeOffset());
        Assert.Equal("thon-1", listed.GetProperty("zones")[0].GetString());
        Assert.Equal("1.2.3", listed.GetProperty("software").GetString());
        Assert.Equal("Raspberry Pi 4 Model B Rev 1.4", listed.GetProperty("hardwareModel").GetString());
        Assert.Equal(10, listed.GetProperty("heartbeatSeconds").GetInt32());
        Assert.Equal(55.5, listed.GetProperty("health").GetProperty("cpu").GetProperty("tempC").GetDouble());
        Assert.Equal("wifi", listed.GetProperty("health").GetProperty("link").GetProperty("type").GetString());
        Assert.Equal(0, listed.GetProperty("faults").GetArrayLength());
        _host.AssertNoErrors();
    }

    [Fact]
    public async Task Faults_derived_from_health_are_listed()
    {
        await using var node = await _host.BornNodeAsync("node-hot");
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health(tempC: 85, synced: false));
        await ingested;

        var faults = (await _host.GetListedNodeAsync("node-hot")).GetProperty("faults").EnumerateArray()
            .Select(fault => fault.GetProperty("code").GetString()!).ToArray();
        Assert.Equal(["overheating", "clock-unsynchronised"], faults);
    }

    [Fact]
    public async Task A_death_of_the_current_session_takes_the_node_offline()
    {
        await using var node = await _host.BornNodeAsync("node-b", bdSeq: 7);
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Death);
        await node.PublishAsync(NodeMessageKind.Death, Wire.Death("node-b", 7, DeathReason.Shutdown));
        Assert.True((await ingested).Accepted);

        var listed = await _host.GetListedNodeAsync("node-b");
        Assert.False(listed.GetProperty("online").GetBoolean());
        Assert.Equal("offline", listed.GetProperty("faults")[0].GetProperty("code").GetString());
        Assert.Equal(1, await _host.MetricAsync("sl_fleet_nodes{state=\"offline\"}"));
    }

    [Fact]
    public async Task A_late_death_of_an_older_session_leaves_the_node_online()
    {
        await using var node = await _host.BornNodeAsync("node-c", bdSeq: 8);
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Death);
        await node.PublishAsync(NodeMessageKind.Death, Wire.Death("node-c", 7));
        Assert.True((await ingested).Accepted);

        Assert.True((await _host.GetListedNodeAsync("node-c")).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task The_brokers_last_will_takes_a_node_offline_when_its_connection_drops()
    {
        var node = await _host.BornNodeAsync("node-d", bdSeq: 3);
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Death);
        node.Kill();
        Assert.True((await ingested).Accepted);

        Assert.False((await _host.GetListedNodeAsync("node-d")).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task A_silent_node_goes_offline_after_two_and_a_half_heartbeats_on_the_controllers_clock()
    {
        await using var node = await _host.BornNodeAsync("node-e", heartbeatSeconds: 10);

        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(24));
        Assert.True((await _host.GetListedNodeAsync("node-e")).GetProperty("online").GetBoolean());

        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(1));
        var listed = await _host.GetListedNodeAsync("node-e");
        Assert.False(listed.GetProperty("online").GetBoolean());
        Assert.Equal(_host.Clock.GetUtcNow(), listed.GetProperty("faults")[0].GetProperty("since").GetDateTimeOffset());
    }

    [Fact]
    public async Task A_birth_stating_an_hour_is_judged_on_the_five_minute_cap_and_still_shown_as_stated()
    {
        // Issue 10: a birth (a retained fake, or a node told so) stating 3600 s must not hide a dead node for 9,000 s.
        await using var node = await _host.BornNodeAsync("node-long", heartbeatSeconds: 3600);
        var listed = await _host.GetListedNodeAsync("node-long");
        Assert.Equal((3600, 300), (listed.GetProperty("heartbeatSeconds").GetInt32(), listed.GetProperty("believedHeartbeatSeconds").GetInt32()));

        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(749));
        Assert.True((await _host.GetListedNodeAsync("node-long")).GetProperty("online").GetBoolean());

        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(1));
        Assert.False((await _host.GetListedNodeAsync("node-long")).GetProperty("online").GetBoolean(), "offline after 2.5 × 300 s");
    }

    [Fact]
    public async Task The_node_page_shows_a_capped_heartbeat_as_stated_and_as_counted()
    {
        await using var node = await _host.BornNodeAsync("node-long", heartbeatSeconds: 3600);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/nodes/node-long", UriKind.Relative));
        request.Headers.Add("Cookie", ".AspNetCore.Culture=c%3Den-GB%7Cuic%3Den-GB");
        var html = await (await _host.Http.SendAsync(request)).Content.ReadAsStringAsync();
        Assert.Contains("<dd data-f=\"heartbeat\">3600 s (counted as 300 s, the maximum)</dd>", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_heartbeat_within_the_cap_is_believed_as_stated()
    {
        await using var node = await _host.BornNodeAsync("node-short", heartbeatSeconds: 30);
        var listed = await _host.GetListedNodeAsync("node-short");
        Assert.Equal((30, 30), (listed.GetProperty("heartbeatSeconds").GetInt32(), listed.GetProperty("believedHeartbeatSeconds").GetInt32()));
    }

    [Fact]
    public async Task A_health_report_keeps_a_node_online_and_brings_back_one_that_was_only_silent()
    {
        await using var node = await _host.BornNodeAsync("node-f", heartbeatSeconds: 10);
        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(20));
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health());
        await ingested;
        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(20));
        Assert.True((await _host.GetListedNodeAsync("node-f")).GetProperty("online").GetBoolean());

        await _host.AdvanceAndSweepAsync(TimeSpan.FromSeconds(5));
        Assert.False((await _host.GetListedNodeAsync("node-f")).GetProperty("online").GetBoolean());

        ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health(seq: 2));
        await ingested;
        Assert.True((await _host.GetListedNodeAsync("node-f")).GetProperty("online").GetBoolean());
    }

    [Fact]
    public async Task The_detail_shows_health_history_newest_first_and_events()
    {
        await using var node = await _host.BornNodeAsync("node-g");
        for (var seq = 1; seq <= 3; seq++)
        {
            var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
            await node.PublishAsync(NodeMessageKind.Health, Wire.Health(seq: seq, tempC: 50 + seq));
            await ingested;
            _host.Clock.Advance(TimeSpan.FromSeconds(1));
        }

        var stored = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-1"));
        await stored;

        var detail = await _host.GetNodeAsync("node-g");
        Assert.Equal("node-g", detail.GetProperty("id").GetString());
        Assert.Equal(1, detail.GetProperty("bdSeq").GetInt32());
        Assert.Equal("Debian GNU/Linux 12 (bookworm)", detail.GetProperty("hardware").GetProperty("os").GetString());
        var history = detail.GetProperty("history").EnumerateArray().Select(sample => sample.GetProperty("health").GetProperty("seq").GetInt32()).ToArray();
        Assert.Equal([3, 2, 1], history);
        var theEvent = Assert.Single(detail.GetProperty("events").EnumerateArray());
        Assert.Equal("ev-1", theEvent.GetProperty("id").GetString());
        Assert.Equal("warning", theEvent.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task The_detail_history_is_capped_by_configuration()
    {
        using var data = new TemporaryDirectory();
        using var host = ControllerHost.Start(data.Path, settings: new Dictionary<string, string?> { ["Fleet:HistoryPerNode"] = "2" });
        await using var node = await host.BornNodeAsync("node-h");
        for (var seq = 1; seq <= 3; seq++)
        {
            var ingested = host.WaitForIngest(result => result.Kind == NodeMessageKind.Health);
            await node.PublishAsync(NodeMessageKind.Health, Wire.Health(seq: seq));
            await ingested;
        }

        var history = (await host.GetNodeAsync("node-h")).GetProperty("history").EnumerateArray()
            .Select(sample => sample.GetProperty("health").GetProperty("seq").GetInt32()).ToArray();
        Assert.Equal([3, 2], history);
    }

    [Fact]
    public async Task An_unknown_node_is_404_problem_details()
    {
        var response = await _host.Http.GetAsync(new Uri("/api/nodes/nobody", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<ProblemDetails>();
        Assert.Equal(404, problem!.Status);
        Assert.Contains("nobody", problem.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Upper")]
    [InlineData("-leading-dash")]
    [InlineData("under_score")]
    public async Task An_id_of_the_wrong_shape_is_400_problem_details(string id)
    {
        var response = await _host.Http.GetAsync(new Uri("/api/nodes/" + id, UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(400, (await response.Content.ReadFromJsonAsync<ProblemDetails>())!.Status);
    }

    [Fact]
    public async Task Healthz_reports_broker_client_and_store()
    {
        var response = await _host.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("healthy", body.GetProperty("status").GetString());
        Assert.True(body.GetProperty("embeddedBrokerRunning").GetBoolean());
        Assert.True(body.GetProperty("mqttConnected").GetBoolean());
        Assert.True(body.GetProperty("storeHealthy").GetBoolean());
        Assert.Equal(_host.MqttPort, body.GetProperty("brokerPort").GetInt32());
    }

    [Fact]
    public async Task The_openapi_document_describes_the_api()
    {
        var document = await _host.Http.GetFromJsonAsync<JsonElement>("/openapi/v1.json");
        var paths = document.GetProperty("paths");
        Assert.True(paths.TryGetProperty("/api/nodes", out _));
        Assert.True(paths.TryGetProperty("/api/nodes/{id}", out var detail));
        var responses = detail.GetProperty("get").GetProperty("responses");
        Assert.True(responses.TryGetProperty("404", out _));
        Assert.True(responses.TryGetProperty("400", out _));
    }

    [Fact]
    public async Task Metrics_count_messages_in_and_out_and_nodes_by_state()
    {
        await using var node = await _host.BornNodeAsync("node-m");
        var ingested = _host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-m"));
        await ingested;
        await node.NextAckAsync();

        Assert.Equal(1, await _host.MetricAsync("sl_mqtt_messages_received_total{kind=\"birth\"}"));
        Assert.Equal(1, await _host.MetricAsync("sl_mqtt_messages_received_total{kind=\"event\"}"));
        Assert.Equal(1, await _host.MetricAsync("sl_mqtt_messages_published_total{kind=\"evack\"}"));
        Assert.Equal(1, await _host.MetricAsync("sl_mqtt_messages_published_total{kind=\"state\"}"));
        Assert.Equal(1, await _host.MetricAsync("sl_fleet_nodes{state=\"online\"}"));
        Assert.Equal(1, await _host.MetricAsync("sl_mqtt_connected"));
        Assert.Equal(1, await _host.MetricAsync("sl_ingest_lag_seconds_count{kind=\"birth\"}"));
    }
}
