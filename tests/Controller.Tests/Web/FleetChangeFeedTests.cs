using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Controller.Web.Live;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Tests.Web;

public sealed class FleetChangeFeedTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;

    public FleetChangeFeedTests()
    {
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task A_health_report_reaches_an_open_stream_without_the_clock_moving()
    {
        await using var node = await _host.BornNodeAsync("node-a");
        using var timeout = new CancellationTokenSource(ControllerHost.Timeout);
        using var response = await _host.Http.GetAsync("/events/fleet", HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(timeout.Token));
        await ReadUntilAsync(reader, line => line.StartsWith("data: ", StringComparison.Ordinal) && line.Contains("\"node-a\"", StringComparison.Ordinal), timeout.Token);

        // The fake clock stands still: a poll would never look again, only a pushed change arrives.
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health(tempC: 61.5));
        var row = await ReadUntilAsync(reader, line => line.Contains("61", StringComparison.Ordinal) && line.Contains("\"node-a\"", StringComparison.Ordinal), timeout.Token);
        Assert.StartsWith("data: ", row, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slow_subscriber_coalesces_a_node_and_resyncs_past_its_capacity_without_blocking_the_feed()
    {
        await using var node = await _host.BornNodeAsync("node-a");
        var feed = _host.Services.GetRequiredService<FleetChangeFeed>();
        var fleet = _host.Services.GetRequiredService<FleetRegistry>();
        using var slow = feed.Subscribe(onlyNode: null, capacity: 2);
        var at = _host.Clock.GetUtcNow();
        var a = fleet.Find("node-a")!;

        slow.OfferNode(a);
        slow.OfferNode(a with { LastSeen = at.AddSeconds(1) });
        var first = slow.Take();
        Assert.False(first.Resync);
        Assert.Equal(at.AddSeconds(1), Assert.Single(first.Nodes).LastSeen);

        slow.OfferNode(a);
        slow.OfferNode(a with { Id = "node-b" });
        slow.OfferNode(a with { Id = "node-c" });
        var second = slow.Take();
        Assert.True(second.Resync);
        Assert.Empty(second.Nodes);
        Assert.True(feed.Subscribers >= 1);

        // Nothing taken, nothing grows: a thousand more changes still leave one resync waiting.
        for (var i = 0; i < 1000; i++)
        {
            slow.OfferNode(a with { Id = "node-" + i });
        }

        Assert.True(slow.Take().Resync);
    }

    private static async Task<string> ReadUntilAsync(StreamReader reader, Func<string, bool> wanted, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await reader.ReadLineAsync(cancellationToken) ?? throw new InvalidOperationException("The stream ended");
            if (wanted(line))
            {
                return line;
            }
        }
    }
}
