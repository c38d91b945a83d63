using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Security;

/// <summary>Keys made with the <c>keys</c> verbs, configured as production would: rotation, revocation, bad configuration.</summary>
public sealed class KeyRotationTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _keys = new();
    private readonly TemporaryDirectory _data = new();

    [Fact]
    public async Task During_a_rotation_both_certificates_and_the_revocation_list_are_published_and_the_newest_key_signs()
    {
        Keys("init-root", "--out", Dir("root"));
        KeysAt(Now.AddDays(-30), "issue", "--root", Dir("root", "root.key"), "--kid", "controller-old", "--days", "365", "--out", Dir("old"));
        KeysAt(Now.AddDays(-1), "issue", "--root", Dir("root", "root.key"), "--kid", "controller-new", "--days", "365", "--out", Dir("new"));
        Keys("revoke", "--root", Dir("root", "root.key"), "--kid", "controller-lost", "--serial", "3", "--out", Dir("revocations.list"));

        using var host = ControllerHost.Start(_data.Path, new FakeTimeProvider(Now), new Dictionary<string, string?>
        {
            ["Security:RootPublicKeyFile"] = Dir("root", "root.pub"),
            ["Security:SigningKeys:0:KeyFile"] = Dir("old", "signing.key"),
            ["Security:SigningKeys:0:CertificateFile"] = Dir("old", "signing.cert"),
            ["Security:SigningKeys:1:KeyFile"] = Dir("new", "signing.key"),
            ["Security:SigningKeys:1:CertificateFile"] = Dir("new", "signing.cert"),
            ["Security:RevocationListFile"] = Dir("revocations.list"),
        });
        await using var node = await SignedControlNode.BornAsync(host, "thon-1");
        using var trust = await node.TrustAsync(KeyFiles.ReadPublicKey(Dir("root", "root.pub")), "controller-old", "controller-new");

        await SignedControlTests.IssueAsync(host, "/api/nodes/thon-1/commands", new { type = "identify" });
        var (_, payload) = await node.NextCommandAsync();

        var verdict = new CommandVerifier(trust, new ReplayGuard(ReplayState.Empty)).Verify(payload, "thon-1", node.Zones, new TrustedTime(Now, Trusted: true));
        Assert.True(verdict.Accepted, verdict.Refusal);
        Assert.Equal("controller-new", verdict.Envelope!.Command.Kid);
        var revocations = Assert.Single(node.Revocations);
        Assert.Null(trust.ApplyRevocations(revocations));
        Assert.Contains("controller-lost", trust.RevokedKids);
    }

    [Fact]
    public void A_controller_configured_with_a_revoked_key_refuses_to_start_and_says_why()
    {
        Keys("init-root", "--out", Dir("root"));
        Keys("issue", "--root", Dir("root", "root.key"), "--kid", "controller-stolen", "--days", "30", "--out", Dir("stolen"));
        Keys("revoke", "--root", Dir("root", "root.key"), "--kid", "controller-stolen", "--serial", "1", "--out", Dir("revocations.list"));

        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = ControllerHost.Start(_data.Path, new FakeTimeProvider(Now), new Dictionary<string, string?>
            {
                ["Security:RootPublicKeyFile"] = Dir("root", "root.pub"),
                ["Security:SigningKeyFile"] = Dir("stolen", "signing.key"),
                ["Security:CertificateFile"] = Dir("stolen", "signing.cert"),
                ["Security:RevocationListFile"] = Dir("revocations.list"),
            });
        });

        Assert.Contains("revoked", Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_file_that_is_not_the_certified_key_stops_the_start()
    {
        Keys("init-root", "--out", Dir("root"));
        Keys("issue", "--root", Dir("root", "root.key"), "--kid", "controller-a", "--days", "30", "--out", Dir("a"));
        Keys("issue", "--root", Dir("root", "root.key"), "--kid", "controller-b", "--days", "30", "--out", Dir("b"));

        var failure = Assert.ThrowsAny<Exception>(() =>
        {
            using var host = ControllerHost.Start(_data.Path, new FakeTimeProvider(Now), new Dictionary<string, string?>
            {
                ["Security:SigningKeyFile"] = Dir("a", "signing.key"),
                ["Security:CertificateFile"] = Dir("b", "signing.cert"),
            });
        });

        Assert.Contains("is not the key certified by", Flatten(failure), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Once_every_certificate_has_expired_commands_answer_503_naming_the_certificates()
    {
        Keys("init-root", "--out", Dir("root"));
        KeysAt(Now.AddDays(-10), "issue", "--root", Dir("root", "root.key"), "--kid", "controller-expired", "--days", "5", "--out", Dir("expired"));
        using var host = ControllerHost.Start(_data.Path, new FakeTimeProvider(Now), new Dictionary<string, string?>
        {
            ["Security:SigningKeyFile"] = Dir("expired", "signing.key"),
            ["Security:CertificateFile"] = Dir("expired", "signing.cert"),
        });
        await using var node = await SignedControlNode.BornAsync(host, "thon-1");

        var response = await host.Http.PostAsJsonAsync("/api/nodes/thon-1/commands", new { type = "identify" });

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("controller-expired", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        _keys.Dispose();
        _data.Dispose();
    }

    private string Dir(params string[] parts) => Path.Combine([_keys.Path, .. parts]);

    private static void Keys(params string[] args) => KeysAt(Now, args);

    private static void KeysAt(DateTimeOffset at, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        Assert.True(KeyCommandLine.Run(["keys", .. args], output, error, new FakeTimeProvider(at)) == 0, error.ToString());
    }

    private static string Flatten(Exception? exception)
    {
        var messages = new List<string>();
        for (; exception is not null; exception = exception.InnerException)
        {
            messages.Add(exception.Message);
        }

        return string.Join(" | ", messages);
    }
}
