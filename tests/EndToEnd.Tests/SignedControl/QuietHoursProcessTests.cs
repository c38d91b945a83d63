using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;

namespace SmartLoudspeaker.EndToEnd.Tests.SignedControl;

/// <summary>
/// Quiet hours from the admin's change to the nodes, with real parts: Mosquitto, the Controller process and in-process
/// nodes that verify every command against the pinned root. A change reaches a running node signed; a node that was
/// never seen, and one that was off during a change, catch up once they report their version.
/// </summary>
[Trait("Category", "Security")]
public sealed class QuietHoursProcessTests
{
    [Fact]
    public async Task A_settings_change_reaches_a_running_node_signed_and_nodes_that_come_online_later_catch_up()
    {
        await using var world = await SecuredWorld.StartAsync();
        var early = await world.StartNodeAsync("loa-yen-lang-1");
        await using var probe = await world.EavesdropAsync(Topics.FleetCommands);

        var saved = await SaveAsync(world, 0, "22:00", "05:30");
        Assert.Equal(1, saved);

        // What went over the broker is a signed envelope, and the node obeyed it (it obeys nothing unverified).
        var sent = await probe.WaitForTopicAsync(Topics.FleetCommands, SecuredWorld.Timeout);
        var envelope = CommandEnvelopeCodec.Parse(sent.Payload).Message!;
        Assert.Equal("set-quiet-hours", envelope.Command.Type);
        Assert.Equal(1, CommandCatalog.ReadBody<SetQuietHoursCommand>(envelope.Command)!.Version);
        await HoldsAsync(world, early.NodeId, 1);
        Assert.Equal(0, early.RefusedCommands);
        using (var file = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(world.Data, "nodes", early.NodeId, "quiet-hours.json"))))
        {
            Assert.Equal(("22:00", "05:30", 1), (file.RootElement.GetProperty("start").GetString(), file.RootElement.GetProperty("end").GetString(),
                file.RootElement.GetProperty("version").GetInt64()));
        }

        // A node the Controller had never seen when the change was made.
        var late = await world.StartNodeAsync("loa-yen-lang-2");
        await HoldsAsync(world, late.NodeId, 1);

        // A node that was off while the commune changed its quiet hours comes back with the old ones from its disk.
        await world.PowerCutAsync(early);
        Assert.Equal(2, await SaveAsync(world, 1, "21:00", "05:00"));
        await HoldsAsync(world, late.NodeId, 2);
        var back = await world.StartNodeAsync("loa-yen-lang-1");
        await HoldsAsync(world, back.NodeId, 2);
        Assert.Equal(0, back.RefusedCommands);
    }

    private static async Task<long> SaveAsync(SecuredWorld world, long fromVersion, string start, string end)
    {
        using var response = await world.Http.PutAsJsonAsync("/api/settings", new
        {
            version = fromVersion,
            name = "Xã Yên Lặng",
            province = "Hà Tĩnh",
            timeZone = "Asia/Ho_Chi_Minh",
            quietHoursEnabled = true,
            quietHoursStart = start,
            quietHoursEnd = end,
            schedulesNeedApproval = true,
            loudnessTargetLufs = -16,
            emergencyLeadTimeMs = 300,
            bulletinLeadTimeMs = 2000,
        });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
    }

    /// <summary>Waits until the node's health, as the Controller shows it, reports holding <paramref name="version"/>.</summary>
    private static async Task HoldsAsync(SecuredWorld world, string nodeId, long version) =>
        await Eventually.TrueAsync(
            async () =>
            {
                var node = await world.Http.GetFromJsonAsync<JsonElement>($"/api/nodes/{nodeId}");
                return node.TryGetProperty("health", out var health) && health.ValueKind == JsonValueKind.Object
                    && health.TryGetProperty("quietHours", out var quiet) && quiet.GetProperty("version").GetInt64() == version;
            },
            SecuredWorld.Timeout,
            $"{nodeId} reports quiet hours version {version}");
}
