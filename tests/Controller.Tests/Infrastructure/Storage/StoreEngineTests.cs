using LiteDB;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Storage;

/// <summary>
/// The engine as a feature other than the fleet sees it: it registers its collections, writes generic ops, and the
/// journal replays them with the guards its declarations give, without any of the feature's code.
/// </summary>
public sealed class StoreEngineTests
{
    [Fact]
    public async Task Another_features_numbered_collection_is_numbered_in_storing_order_and_a_repeat_is_already_stored()
    {
        using var data = new TemporaryDirectory();
        using (var engine = Open(data.Path, new NotesSchema()))
        {
            Assert.True(await engine.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("a"))));
            Assert.True(await engine.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("b"))));
            Assert.False(await engine.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("a"))));
        }

        using var reopened = Open(data.Path, new NotesSchema());
        Assert.True(await reopened.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("c"))));
        Assert.Equal(
            [("a", 1L, "note-1"), ("b", 2L, "note-2"), ("c", 3L, "note-3")],
            reopened.Reads.FindAll(NotesSchema.Notes).Select(note => (note["key"].AsString, note["n"].AsInt64, note["_id"].AsString)).OrderBy(note => note.Item2));
    }

    [Fact]
    public async Task A_journal_of_another_features_writes_replays_with_its_unique_field_and_counter_guards()
    {
        using var data = new TemporaryDirectory();
        using (var engine = Open(data.Path, new NotesSchema()))
        {
            Assert.True(await engine.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("a"))));
            Assert.True(await engine.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("b"))));
        }

        // Batches LiteDB lacks ("c", the counter at 3), then ones written over what it already holds: the numbered "b"
        // again, "a" under another number, the counter at older values. Replay must keep each document under its own
        // number and never lower the counter, or the next note would reuse a stored number.
        using (var journal = new WriteJournal(new FileStream(Path.Combine(data.Path, "controller.db.journal"), FileMode.OpenOrCreate)))
        {
            journal.Append([StoreOp.Upsert(NotesSchema.Notes, Numbered("c", 3)), StoreOp.Upsert(StoreMeta.Collection, Counter(3))]);
            journal.Append([StoreOp.Upsert(NotesSchema.Notes, Numbered("b", 2)), StoreOp.Upsert(StoreMeta.Collection, Counter(2))]);
            journal.Append([StoreOp.Upsert(NotesSchema.Notes, Numbered("a", 9)), StoreOp.Upsert(StoreMeta.Collection, Counter(1))]);
        }

        using var replayed = Open(data.Path, new NotesSchema());
        Assert.Equal(["note-1", "note-2", "note-3"], replayed.Reads.FindAll(NotesSchema.Notes).Select(note => note["_id"].AsString).Order(StringComparer.Ordinal));
        Assert.Equal(3, replayed.Reads.FindById(StoreMeta.Collection, NotesSchema.CounterKey)!["value"].AsInt64);
        Assert.True(await replayed.Enqueue(StoreOp.InsertNumberedIfNew(NotesSchema.Notes, Note("d"))));
        Assert.Equal(4, replayed.Reads.FindOne(NotesSchema.Notes, Query.EQ("key", "d"))!["n"].AsInt64);
    }

    [Fact]
    public void A_write_to_a_collection_no_feature_registered_is_refused_before_it_is_queued()
    {
        using var data = new TemporaryDirectory();
        using var engine = Open(data.Path, new NotesSchema());
        var refusal = Assert.Throws<ArgumentException>(() => { _ = engine.Enqueue(StoreOp.Upsert("unregistered", new BsonDocument { ["_id"] = "x" })); });
        Assert.Contains("'unregistered' is not registered", refusal.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => { _ = engine.Enqueue(StoreOp.InsertNumberedIfNew(StoreMeta.Collection, new BsonDocument())); });
    }

    [Fact]
    public void Two_features_claiming_one_collection_or_one_counter_fail_the_start()
    {
        var collection = Assert.Throws<InvalidOperationException>(() => new StoreCatalog([new NotesSchema(), new NotesSchema()]));
        Assert.Contains("'notes' is registered twice", collection.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidOperationException>(() => new StoreCatalog([new SchemaOf(new StoreCollection(StoreMeta.Collection, []))]));
        var numbering = new StoreNumbering(NotesSchema.CounterKey, "key", "n", (_, n) => n);
        Assert.Throws<InvalidOperationException>(() => new StoreCatalog([new NotesSchema(), new SchemaOf(new StoreCollection("other", [new StoreIndex("key", Unique: true)], Numbering: numbering))]));
        var notUnique = Assert.Throws<InvalidOperationException>(() => new StoreCatalog([new SchemaOf(new StoreCollection("other", [new StoreIndex("key")], Numbering: numbering))]));
        Assert.Contains("needs a unique index", notUnique.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task One_features_failing_maintenance_does_not_keep_another_from_running()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 12, 2, 6, 0, 0, TimeSpan.Zero));
        var failing = new Contribution(fails: true);
        var working = new Contribution(fails: false);
        using var maintenance = new StoreMaintenance([failing, working], Microsoft.Extensions.Options.Options.Create(new StoreOptions()), clock, NullLogger<StoreMaintenance>.Instance);
        var maintained = new List<DateTimeOffset>();
        maintenance.Maintained += maintained.Add;

        await maintenance.RunOnceAsync();

        var at = Assert.Single(maintained);
        Assert.Equal(clock.GetUtcNow(), at);
        Assert.Equal([at], failing.Runs);
        Assert.Equal([at], working.Runs);
    }

    private static StoreEngine Open(string folder, params IStoreSchema[] schemas) => new(
        Microsoft.Extensions.Options.Options.Create(new StoreOptions { DataDirectory = folder, MinimumFreeBytes = 0 }),
        schemas,
        new StoreFileSystem(),
        new ControllerMetrics(),
        TimeProvider.System,
        NullLogger<StoreEngine>.Instance);

    private static BsonDocument Note(string key) => new() { ["key"] = key, ["at"] = 1L };

    private static BsonDocument Numbered(string key, long n) => new() { ["_id"] = "note-" + n, ["key"] = key, ["at"] = 1L, ["n"] = n };

    private static BsonDocument Counter(long value) => new() { ["_id"] = NotesSchema.CounterKey, ["value"] = value };

    /// <summary>A feature of the tests' own: one numbered collection.</summary>
    private sealed class NotesSchema : IStoreSchema
    {
        public const string Notes = "notes";
        public const string CounterKey = "noteSeq";

        public IReadOnlyList<StoreCollection> Collections { get; } =
        [
            new(Notes, [new StoreIndex("key", Unique: true), new StoreIndex("at")], Numbering: new StoreNumbering(CounterKey, "key", "n", (_, n) => "note-" + n)),
        ];

        public void Migrate(ILiteDatabase database, int fromVersion)
        {
        }
    }

    private sealed class SchemaOf(params StoreCollection[] collections) : IStoreSchema
    {
        public IReadOnlyList<StoreCollection> Collections { get; } = collections;

        public void Migrate(ILiteDatabase database, int fromVersion)
        {
        }
    }

    private sealed class Contribution(bool fails) : IStoreMaintenance
    {
        public List<DateTimeOffset> Runs { get; } = [];

        public Task MaintainAsync(DateTimeOffset now)
        {
            Runs.Add(now);
            return fails ? Task.FromException(new IOException("disk full")) : Task.CompletedTask;
        }
    }
}
