using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.TestUtilities.Enrolment;

namespace SmartLoudspeaker.Controller.Tests.Identity;

/// <summary>The identity store over the engine: what it writes survives a reopen, an approval is one unit, settings are checked.</summary>
public sealed class IdentityRepositoryTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 6, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public async Task Identities_requests_and_tokens_survive_a_reopen_and_an_approval_drops_the_request_with_it()
    {
        using var node = NodeCredentials.Create("thon-3-loa-1");
        using var waiting = NodeCredentials.Create("thon-3-loa-2");
        var token = new EnrolmentTokenRecord("tabc", "c2VjcmV0LXNlY3JldC1zZWNyZXQ", "digest", Now.AddDays(1), ["thon-3"], 5, 1, Now, "technician", false);
        var identity = new NodeIdentityRecord(
            node.NodeId, Convert.ToBase64String(node.PublicKey), node.Fingerprint, node.PasswordHash, ["thon-3"], ["thon-1"],
            new HardwareProfile { Model = "Raspberry Pi 4", Serial = "1000abcd" }, "0.1.0", IdentityStatus.Enrolled, Now, "token:tabc", "token:tabc", Now);
        using (var store = Open())
        {
            await store.Identities.SavePendingAsync(new PendingEnrolment(node.NodeId, Now, node.Request(["thon-1"]), HoldReason.New, null));
            await store.Identities.SavePendingAsync(new PendingEnrolment(waiting.NodeId, Now, waiting.Request(["thon-3"]), HoldReason.KeyChanged, "token 'x' is unknown"));
            await store.Identities.SaveIdentityAsync(identity, token);
            await store.Identities.SaveIdentityAsync(identity, token);
        }

        using var reopened = Open();
        Assert.Equal(identity, Assert.Single(reopened.Identities.LoadIdentities()) with { ApprovedZones = identity.ApprovedZones, DeclaredZones = identity.DeclaredZones });
        Assert.Equal(["thon-3"], reopened.Identities.LoadIdentities()[0].ApprovedZones);
        var pending = Assert.Single(reopened.Identities.LoadPending());
        Assert.Equal((waiting.NodeId, HoldReason.KeyChanged, "token 'x' is unknown", waiting.PasswordHash),
            (pending.NodeId, pending.Reason, pending.Note, pending.Request.PasswordHash));
        Assert.Equal(token with { Zones = token.Zones }, Assert.Single(reopened.Identities.LoadTokens()) with { Zones = token.Zones });

        await reopened.Identities.RemoveIdentityAsync(node.NodeId);
        Assert.Empty(reopened.Identities.LoadIdentities());
    }

    [Fact]
    public async Task A_rotation_survives_a_reopen_and_its_completion_stores_the_new_key_and_drops_it_with_the_request()
    {
        using var node = NodeCredentials.Create("thon-3-loa-3");
        using var fresh = NodeCredentials.Create(node.NodeId);
        var identity = new NodeIdentityRecord(
            node.NodeId, Convert.ToBase64String(node.PublicKey), node.Fingerprint, node.PasswordHash, ["thon-3"], ["thon-3"],
            new HardwareProfile { Model = "Raspberry Pi 4" }, "0.1.0", IdentityStatus.Enrolled, Now, "technician", "approval", Now);
        var rotation = new IdentityRotation(node.NodeId, "0123abcd", Now, "technician", node.Fingerprint, fresh.Fingerprint);
        using (var store = Open())
        {
            await store.Identities.SaveIdentityAsync(identity);
            await store.Identities.SaveRotationAsync(rotation);
            await store.Identities.SavePendingAsync(new PendingEnrolment(node.NodeId, Now, fresh.Request(["thon-3"]), HoldReason.KeyChanged, null));
        }

        var rotated = identity with
        {
            PublicKey = Convert.ToBase64String(fresh.PublicKey), Fingerprint = fresh.Fingerprint, PasswordHash = fresh.PasswordHash, RotatedAt = Now.AddMinutes(1),
        };
        using (var reopened = Open())
        {
            Assert.Equal(rotation, Assert.Single(reopened.Identities.LoadRotations()));
            await reopened.Identities.SaveRotatedIdentityAsync(rotated);
        }

        using var last = Open();
        Assert.Empty(last.Identities.LoadRotations());
        Assert.Empty(last.Identities.LoadPending());
        var stored = Assert.Single(last.Identities.LoadIdentities());
        Assert.Equal((fresh.Fingerprint, fresh.PasswordHash, Now.AddMinutes(1)), (stored.Fingerprint, stored.PasswordHash, stored.RotatedAt));
    }

    [Fact]
    public void Bootstrap_tokens_are_checked_at_start_without_repeating_the_secret()
    {
        var options = new EnrolmentOptions { MaxPendingRequests = 0 };
        options.BootstrapTokens.Add(new BootstrapTokenOptions { Token = "not-a-token-secret", MaxUses = 0 });

        var result = new EnrolmentOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, failure => failure.StartsWith("Invalid setting Enrolment:MaxPendingRequests", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Invalid setting Enrolment:BootstrapTokens:0:Token = ", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.Contains("BootstrapTokens:0:Zones", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.StartsWith("Invalid setting Enrolment:BootstrapTokens:0:Expires", StringComparison.Ordinal));
        Assert.Contains(failures, failure => failure.Contains("BootstrapTokens:0:MaxUses", StringComparison.Ordinal));
        Assert.DoesNotContain(failures, failure => failure.Contains("not-a-token-secret", StringComparison.Ordinal));
    }

    private OpenedStore Open() => OpenedStore.Open(new StoreOptions { DataDirectory = _data.Path, MinimumFreeBytes = 0 });
}
