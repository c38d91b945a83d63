using System.Net;
using System.Net.Http.Json;
using System.Threading.Channels;
using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Commune;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Security;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Commune;

/// <summary>
/// The quiet-hours reconciler over the embedded broker, nodes played by raw clients that verify what they receive as a
/// node does: a saved change goes signed to the fleet, and a node whose health reports another version is sent the
/// one in force on its own topic.
/// </summary>
public sealed class QuietHoursReconcilerTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task A_saved_change_reaches_the_fleet_signed_and_a_node_that_reports_another_version_later_is_sent_it()
    {
        using var host = ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Security:GenerateDemoKeys"] = "true" });
        var issued = Channel.CreateUnbounded<(string? Target, long Version)>();
        host.Services.GetRequiredService<QuietHoursReconciler>().Issued += (target, version) => issued.Writer.TryWrite((target, version));
        await using var early = await SignedControlNode.BornAsync(host, "loa-som", "thon-1");
        using var trust = await early.TrustAsync(KeyFiles.ReadPublicKey(Path.Combine(_data.Path, "keys", DemoKeys.RootPublicKeyFile)), DemoKeys.Kid);
        await ReportAsync(host, early, version: 0);

        using var saved = await host.Http.PutAsJsonAsync("/api/settings", SettingsApiTests.Valid());
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        var (topic, payload) = await early.NextCommandAsync();
        Assert.Equal(Topics.FleetCommands, topic);
        var verifier = new CommandVerifier(trust, new ReplayGuard(ReplayState.Empty));
        var time = new TrustedTime(host.Clock.GetUtcNow(), Trusted: true);
        var fleetCommand = Genuine(verifier.Verify(payload, early.NodeId, early.Zones, time));
        Assert.Equal(true, fleetCommand.Target.All);
        Assert.Equal(SetQuietHoursCommand.For(1, "Asia/Ho_Chi_Minh", new(new TimeOnly(22, 0), new TimeOnly(5, 30))), CommandCatalog.ReadBody<SetQuietHoursCommand>(fleetCommand));

        // A node the Controller had never seen missed the fleet's command; its first health reports the built-in default.
        await using var late = await SignedControlNode.BornAsync(host, "loa-muon", "thon-1");
        await ReportAsync(host, late, version: 0);
        var (lateTopic, latePayload) = await late.NextCommandAsync();
        Assert.Equal(Topics.ForNode(late.NodeId, NodeMessageKind.Command), lateTopic);
        var caughtUp = Genuine(verifier.Verify(latePayload, late.NodeId, late.Zones, time));
        Assert.Equal(late.NodeId, caughtUp.Target.Node);
        Assert.Equal(1, CommandCatalog.ReadBody<SetQuietHoursCommand>(caughtUp)!.Version);

        // Once a node reports the version in force, nothing more is sent to it; a second change goes to the fleet again.
        await ReportAsync(host, late, version: 1, seq: 2);
        await ReportAsync(host, early, version: 1, seq: 2);
        var second = SettingsApiTests.Valid(1);
        second["quietHoursEnabled"] = false;
        Assert.Equal(HttpStatusCode.OK, (await host.Http.PutAsJsonAsync("/api/settings", second)).StatusCode);
        var off = Genuine(verifier.Verify((await late.NextCommandAsync()).Payload, late.NodeId, late.Zones, time));
        Assert.Equal(SetQuietHoursCommand.For(2, "Asia/Ho_Chi_Minh", null), CommandCatalog.ReadBody<SetQuietHoursCommand>(off));
        using var timeout = new CancellationTokenSource(ControllerHost.Timeout);
        (string?, long)[] expected = [(null, 1), ("loa-muon", 1), (null, 2)];
        foreach (var one in expected)
        {
            Assert.Equal(one, await issued.Reader.ReadAsync(timeout.Token));
        }

        Assert.False(issued.Reader.TryRead(out _));
        host.AssertNoErrors();
    }

    private static async Task ReportAsync(ControllerHost host, SignedControlNode node, long version, int seq = 1)
    {
        var ingested = host.WaitForIngest(result => result.NodeId == node.NodeId && result.Kind == NodeMessageKind.Health);
        await node.PublishAsync(NodeMessageKind.Health, Wire.Health(seq) with { QuietHours = new QuietHoursHealth { Version = version, Active = false } });
        Assert.True((await ingested).Accepted);
    }

    private static SignedCommand Genuine(CommandVerdict verdict)
    {
        Assert.True(verdict.Accepted, verdict.Refusal + " " + verdict.Detail);
        Assert.Equal("set-quiet-hours", verdict.Envelope!.Command.Type);
        return verdict.Envelope.Command;
    }
}
