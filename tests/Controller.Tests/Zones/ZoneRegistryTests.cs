using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Controller.Zones;

namespace SmartLoudspeaker.Controller.Tests.Zones;

/// <summary>The zone registry over a real store: what it keeps across a reopen, what names it accepts, when it refuses.</summary>
public sealed class ZoneRegistryTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _data = new();
    private readonly Microsoft.Extensions.Time.Testing.FakeTimeProvider _clock = new(Start);

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Names_renames_and_deletions_survive_a_reopen()
    {
        using (var store = Open())
        {
            using var registry = Registry(store);
            Assert.True((await registry.CreateAsync("thon-5", "Thôn 5", "Gần nhà văn hoá")).Succeeded);
            Assert.True((await registry.CreateAsync("xom-dong", "Xom Dong", null)).Succeeded);
            Assert.True((await registry.CreateAsync("cho", "Chợ", null)).Succeeded);
            _clock.Advance(TimeSpan.FromMinutes(5));
            Assert.True((await registry.RenameAsync("xom-dong", "Xóm Đông", "")).Succeeded);
            Assert.True((await registry.DeleteAsync("cho")).Succeeded);
        }

        using (var reopened = Open())
        {
            using var registry = Registry(reopened);
            Assert.Equal(["thon-5", "xom-dong"], registry.List().Select(zone => zone.Id));
            var thon5 = registry.Find("thon-5")!;
            Assert.Equal(("Thôn 5", "Gần nhà văn hoá", Start, Start), (thon5.Name, thon5.Description, thon5.CreatedAt, thon5.ChangedAt));
            var xomDong = registry.Find("xom-dong")!;
            Assert.Equal(("Xóm Đông", null, Start, Start.AddMinutes(5)), (xomDong.Name, xomDong.Description, xomDong.CreatedAt, xomDong.ChangedAt));
            Assert.Null(registry.NameOf("cho"));

            // A deleted zone's id can be named again, and saving the same zone twice leaves one zone.
            Assert.True((await registry.CreateAsync("cho", "Chợ mới", null)).Succeeded);
            await reopened.Zones.SaveAsync(registry.Find("cho")!);
        }

        using var last = Open();
        Assert.Equal(["cho", "thon-5", "xom-dong"], last.Zones.LoadZones().Select(zone => zone.Id).Order(StringComparer.Ordinal));
        Assert.Equal("Chợ mới", last.Zones.LoadZones().Single(zone => zone.Id == "cho").Name);
    }

    [Fact]
    public async Task Names_are_unique_whatever_the_case_or_the_way_the_letters_were_typed()
    {
        using var store = Open();
        using var registry = Registry(store);
        Assert.True((await registry.CreateAsync("thon-5", "Thôn 5", null)).Succeeded);

        // "Thôn" typed with a combining circumflex (as some phone keyboards do) and in other cases is the same name.
        foreach (var sameName in new[] { "Tho\u0302n 5", "THÔN 5", "  thôn 5 " })
        {
            var refused = await registry.CreateAsync("thon-5b", sameName, null);
            Assert.Equal(ZoneProblem.DuplicateName, refused.Problem);
            Assert.Equal("thon-5", refused.NameHolder!.Id);
        }

        Assert.True((await registry.CreateAsync("thon-6", "Thôn 6", null)).Succeeded);
        Assert.Equal(ZoneProblem.DuplicateName, (await registry.RenameAsync("thon-6", "thôn 5", null)).Problem);
        Assert.Equal("Thôn 6", registry.NameOf("thon-6"));

        // A zone keeps its own name in another case: it is not a duplicate of itself.
        Assert.True((await registry.RenameAsync("thon-5", "THÔN 5", null)).Succeeded);
        Assert.Equal("THÔN 5", registry.NameOf("thon-5"));
    }

    [Fact]
    public async Task Two_technicians_saving_one_name_at_once_cannot_both_have_it()
    {
        using var store = Open();
        using var registry = Registry(store);
        var changes = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => Task.Run(() => registry.CreateAsync($"zone-{i}", "Xóm Đông", null))));
        Assert.Single(changes, change => change.Succeeded);
        Assert.Equal(7, changes.Count(change => change.Problem == ZoneProblem.DuplicateName));
        Assert.Single(store.Zones.LoadZones());
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Thôn\n5")]
    [InlineData("Thôn\t5")]
    [InlineData(null)]
    public async Task A_name_that_is_empty_or_holds_a_control_character_is_refused(string? name)
    {
        using var store = Open();
        using var registry = Registry(store);
        Assert.Equal(ZoneProblem.InvalidName, (await registry.CreateAsync("thon-5", name, null)).Problem);
        Assert.Empty(store.Zones.LoadZones());
    }

    [Fact]
    public async Task Names_are_trimmed_and_up_to_64_characters_of_any_script_and_ids_must_be_valid()
    {
        using var store = Open();
        using var registry = Registry(store);
        var longest = string.Concat(Enumerable.Repeat("Đ", 64));
        Assert.True((await registry.CreateAsync("a", "  " + longest + "  ", null)).Succeeded);
        Assert.Equal(longest, registry.NameOf("a"));
        Assert.Equal(ZoneProblem.InvalidName, (await registry.CreateAsync("b", longest + "x", null)).Problem);
        Assert.True((await registry.CreateAsync("c", "村 🔔", null)).Succeeded);
        Assert.Equal(ZoneProblem.InvalidDescription, (await registry.CreateAsync("d", "D", new string('x', 201))).Problem);
        foreach (var id in new[] { "Thon-5", "-thon", "thôn-5", "thon 5", new string('a', 65), "", null })
        {
            Assert.Equal(ZoneProblem.InvalidId, (await registry.CreateAsync(id, "Tên", null)).Problem);
        }

        Assert.Equal(ZoneProblem.AlreadyNamed, (await registry.CreateAsync("a", "Other", null)).Problem);
        Assert.Equal(ZoneProblem.Unknown, (await registry.RenameAsync("zz", "Other", null)).Problem);
        Assert.Equal(ZoneProblem.Unknown, (await registry.DeleteAsync("zz")).Problem);
    }

    [Fact]
    public async Task A_zone_nodes_belong_to_is_listed_unnamed_with_its_count_and_never_deleted_while_a_node_is_in_it()
    {
        using var store = Open();
        var fleet = new FleetRegistry(store.Fleet, new ControllerMetrics(), _clock, NullLogger<FleetRegistry>.Instance);
        using var registry = new ZoneRegistry(store.Zones, fleet, _clock, NullLogger<ZoneRegistry>.Instance);
        await fleet.ApplyBirth(Wire.Birth("loa-1", 1, 10, "thon-5", "xom-dong"), Start);
        await fleet.ApplyBirth(Wire.Birth("loa-2", 1, 10, "thon-5"), Start);

        Assert.Equal([("thon-5", false, 2), ("xom-dong", false, 1)], registry.List().Select(zone => (zone.Id, zone.Named, zone.Nodes)));
        Assert.True((await registry.CreateAsync("thon-5", "Thôn 5", null)).Succeeded);
        Assert.Equal([("thon-5", true, 2), ("xom-dong", false, 1)], registry.List().Select(zone => (zone.Id, zone.Named, zone.Nodes)));

        var refused = await registry.DeleteAsync("thon-5");
        Assert.Equal((ZoneProblem.InUse, 2), (refused.Problem, refused.Nodes));
        Assert.Equal("Thôn 5", registry.NameOf("thon-5"));

        // Once no node declares it any more, it may go.
        await fleet.ApplyBirth(Wire.Birth("loa-1", 2, 10, "xom-dong"), Start);
        await fleet.ApplyBirth(Wire.Birth("loa-2", 2, 10, "xom-dong"), Start);
        Assert.True((await registry.DeleteAsync("thon-5")).Succeeded);
        Assert.Equal([("xom-dong", false, 2)], registry.List().Select(zone => (zone.Id, zone.Named, zone.Nodes)));
    }

    [Fact]
    public async Task A_change_the_store_cannot_save_is_refused_and_changes_nothing()
    {
        var disk = new FillableDisk();
        using var store = Open(disk);
        using var registry = Registry(store);
        Assert.True((await registry.CreateAsync("thon-5", "Thôn 5", null)).Succeeded);

        disk.Full = true;
        Assert.Equal(ZoneProblem.NotStored, (await registry.CreateAsync("thon-6", "Thôn 6", null)).Problem);
        Assert.Equal(ZoneProblem.NotStored, (await registry.RenameAsync("thon-5", "Thôn Năm", null)).Problem);
        Assert.Equal(ZoneProblem.NotStored, (await registry.DeleteAsync("thon-5")).Problem);
        Assert.Null(registry.NameOf("thon-6"));
        Assert.Equal("Thôn 5", registry.NameOf("thon-5"));

        // The name a failed write would have taken is still free.
        disk.Full = false;
        Assert.True((await registry.CreateAsync("thon-6", "Thôn 6", null)).Succeeded);
    }

    private OpenedStore Open(StoreFileSystem? disk = null) =>
        OpenedStore.Open(new StoreOptions { DataDirectory = _data.Path, MinimumFreeBytes = 0 }, disk, _clock);

    private ZoneRegistry Registry(OpenedStore store) =>
        new(store.Zones, new FleetRegistry(store.Fleet, new ControllerMetrics(), _clock, NullLogger<FleetRegistry>.Instance), _clock, NullLogger<ZoneRegistry>.Instance);
}
