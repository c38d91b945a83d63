using System.Net;
using System.Text.Json;
using LiteDB;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Storage;

public sealed class StoreFailureTests
{
    [Fact]
    public async Task On_a_full_disk_an_event_is_not_acknowledged_the_controller_stays_up_and_recovers_when_space_returns()
    {
        using var data = new TemporaryDirectory();
        var disk = new FillableDisk();
        using var host = ControllerHost.Start(data.Path, services: services => services.Replace(ServiceDescriptor.Singleton<StoreFileSystem>(disk)));
        await using var node = await host.BornNodeAsync("node-full");

        disk.Full = true;
        var refused = host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-full"));
        Assert.Equal(IngestRefusals.StoreError, (await refused).RefusedReason);
        var health = await host.Http.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        var body = JsonDocument.Parse(await health.Content.ReadAsStringAsync()).RootElement;
        Assert.False(body.GetProperty("storeHealthy").GetBoolean());
        Assert.Contains("No space left", body.GetProperty("storeError").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await host.MetricAsync("sl_store_write_failures_total"));

        // Space returns; the node resends what was never acknowledged, and now it is stored and acknowledged once.
        disk.Full = false;
        var stored = host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-full"));
        Assert.True((await stored).Accepted);
        Assert.Equal(["ev-full"], (await node.NextAckAsync()).Ids);
        Assert.Equal(HttpStatusCode.OK, (await host.Http.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
        Assert.Single((await host.GetNodeAsync("node-full")).GetProperty("events").EnumerateArray());
    }

    [Fact]
    public async Task A_journal_fold_that_fails_after_the_commit_loses_no_write_and_never_repeats_an_event_number()
    {
        using var data = new TemporaryDirectory();
        var disk = new FillableDisk { EmptyingFails = true };

        // Every batch folds the journal (checkpoint, then empty it), and emptying it fails: the batch is committed and
        // its journal record fsynced, so it is durable, and the next event must get the next number.
        using (var store = OpenStore(data.Path, disk))
        {
            Assert.True(await store.Fleet.TryAddEventAsync(StoredEvent("ev-1")));
            Assert.True(await store.Fleet.TryAddEventAsync(StoredEvent("ev-2")));
            Assert.True(store.Status.WritesSucceed, store.Status.WriteFailure);
            disk.EmptyingFails = false;
            Assert.True(await store.Fleet.TryAddEventAsync(StoredEvent("ev-3")));
            Assert.Equal([1L, 2L, 3L], store.Fleet.EventsAfter("fold-node", 0, 10).Select(record => record.Seq));
        }

        using var reopened = OpenStore(data.Path, new FillableDisk());
        Assert.Null(reopened.Status.Degraded);
        Assert.Equal(["ev-1", "ev-2", "ev-3"], reopened.Fleet.EventsAfter("fold-node", 0, 10).Select(record => record.Event.Id));
    }

    [Fact]
    public async Task Writes_are_refused_below_the_free_space_reserve_before_LiteDB_is_touched()
    {
        using var data = new TemporaryDirectory();
        using (var enrolling = ControllerHost.Start(data.Path))
        {
            // Enrolment is a write too: the node enrols while there is room, and the store fills afterwards.
            await enrolling.EnrolAsync("node-reserve");
        }

        using var host = ControllerHost.Start(data.Path, settings: new Dictionary<string, string?> { ["Store:MinimumFreeBytes"] = long.MaxValue.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        await using var node = await host.ConnectNodeAsync("node-reserve");
        var refused = host.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await node.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-reserve"));
        Assert.Equal(IngestRefusals.StoreError, (await refused).RefusedReason);
        using var monitor = host.CreateClient();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await monitor.GetAsync(new Uri("/healthz", UriKind.Relative))).StatusCode);
    }

    [Fact]
    public void A_store_from_a_newer_schema_is_refused_and_left_untouched()
    {
        using var data = new TemporaryDirectory();
        var path = Path.Combine(data.Path, "controller.db");
        using (var database = new LiteDatabase(new ConnectionString { Filename = path, Connection = ConnectionType.Direct }))
        {
            database.GetCollection("meta").Upsert(new BsonDocument { ["_id"] = "schema", ["version"] = 99 });
        }

        var before = File.ReadAllBytes(path);

        // Not disposed: the store is opened while the host builds its hosted services, and WebApplicationFactory
        // cannot stop a host whose hosted services never existed (Host.StopAsync throws). Nothing is left open.
        var host = ControllerHost.Create(data.Path);
        Assert.ThrowsAny<Exception>(host.StartServer);
        Assert.Contains(host.Logs.Lines, line => line.Level == Microsoft.Extensions.Logging.LogLevel.Critical
            && line.Message.Contains("schema version 99", StringComparison.Ordinal) && line.Message.Contains("newer controller", StringComparison.Ordinal));
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Theory]
    [InlineData("truncate")]
    [InlineData("overwrite")]
    public async Task A_damaged_store_is_moved_aside_or_rebuilt_and_the_controller_starts_degraded_and_keeps_working(string damage)
    {
        using var data = new TemporaryDirectory();
        using (var first = ControllerHost.Start(data.Path))
        {
            await using var node = await first.BornNodeAsync("node-d");
            for (var i = 0; i < 20; i++)
            {
                var stored = first.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
                await node.PublishAsync(NodeMessageKind.Event, Wire.Event($"ev-{i}"));
                await stored;
            }
        }

        Damage(Path.Combine(data.Path, "controller.db"), damage);

        using var second = ControllerHost.Start(data.Path);
        var health = JsonDocument.Parse(await second.Http.GetStringAsync("/healthz")).RootElement;
        Assert.Equal("degraded", health.GetProperty("status").GetString());
        Assert.Contains("damaged", health.GetProperty("storeDegraded").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, await second.MetricAsync("sl_store_damaged"));
        Assert.Contains(second.Logs.Lines, line => line.Level == Microsoft.Extensions.Logging.LogLevel.Critical);

        // It keeps working: a node is born and its event stored and acknowledged.
        await using var back = await second.BornNodeAsync("node-d", bdSeq: 2);
        var again = second.WaitForIngest(result => result.Kind == NodeMessageKind.Event);
        await back.PublishAsync(NodeMessageKind.Event, Wire.Event("ev-after"));
        Assert.True((await again).Accepted);
        Assert.Equal(["ev-after"], (await back.NextAckAsync()).Ids);
    }

    private static OpenedStore OpenStore(string folder, StoreFileSystem disk) =>
        OpenedStore.Open(new StoreOptions { DataDirectory = folder, MinimumFreeBytes = 0, JournalCheckpointBytes = 0 }, disk);

    private static EventRecord StoredEvent(string id) => new("fold-node", DateTimeOffset.UtcNow, Wire.Event(id));

    private static void Damage(string path, string how)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        if (how == "truncate")
        {
            // Cut inside the header page, as a copy or a write interrupted early leaves it.
            file.SetLength(4096);
            return;
        }

        // Random bytes over every page but the header: the collections' pages and indexes are garbage.
        var random = new Random(7);
        var page = new byte[8192];
        for (long position = 8192; position < file.Length; position += page.Length)
        {
            random.NextBytes(page);
            file.Position = position;
            file.Write(page);
        }
    }
}
