using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Security;

public sealed class KeyCommandLineTests : IDisposable
{
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly StringWriter _output = new();
    private readonly StringWriter _error = new();

    private string Root => Path.Combine(_folder.Path, "root");

    private string Controller => Path.Combine(_folder.Path, "controller");

    [Fact]
    public void Init_root_then_issue_makes_a_certificate_that_verifies_against_root_pub_and_matches_the_signing_key()
    {
        Assert.Equal(0, Run("keys", "init-root", "--out", Root));
        Assert.Equal(0, Run("keys", "issue", "--root", Path.Combine(Root, "root.key"), "--kid", "controller-2026-05", "--days", "90", "--out", Controller));

        using var trust = new TrustStore(KeyFiles.ReadPublicKey(Path.Combine(Root, "root.pub")));
        var certificatePayload = File.ReadAllBytes(Path.Combine(Controller, "signing.cert"));
        Assert.Null(trust.AddCertificate(certificatePayload));

        var certificate = SignedPayloadCodec.Parse<KeyCertificate>(certificatePayload).Message!.Message;
        Assert.Equal("controller-2026-05", certificate.Kid);
        Assert.Equal(_clock.GetUtcNow().AddDays(90), certificate.NotAfter);
        Assert.True(certificate.NotBefore < _clock.GetUtcNow());

        // The issued private key signs what the node then accepts under that kid.
        using var key = KeyFiles.ReadPrivateKey(Path.Combine(Controller, "signing.key"));
        var signed = new PayloadSigner(key, certificate.Kid).SignBytes("hello"u8);
        Assert.Null(trust.Verify(certificate.Kid, _clock.GetUtcNow(), "hello"u8, signed));
    }

    [Fact]
    public void Root_pub_is_one_line_of_base64url_as_a_node_reads_it()
    {
        Assert.Equal(0, Run("keys", "init-root", "--out", Root));

        var text = File.ReadAllText(Path.Combine(Root, "root.pub"));

        Assert.Matches("^[A-Za-z0-9_-]+\n$", text);
        Assert.StartsWith("-----BEGIN PRIVATE KEY-----", File.ReadAllText(Path.Combine(Root, "root.key")), StringComparison.Ordinal);
    }

    [Fact]
    public void A_revocation_list_verifies_against_the_root_and_revokes_the_key()
    {
        Run("keys", "init-root", "--out", Root);
        Run("keys", "issue", "--root", Path.Combine(Root, "root.key"), "--kid", "old-key", "--days", "30", "--out", Controller);
        var listFile = Path.Combine(_folder.Path, "revocations", "list-1");

        Assert.Equal(0, Run("keys", "revoke", "--root", Path.Combine(Root, "root.key"), "--kid", "old-key", "--kid", "lost-key", "--serial", "1", "--out", listFile));

        using var trust = new TrustStore(KeyFiles.ReadPublicKey(Path.Combine(Root, "root.pub")));
        var list = File.ReadAllBytes(listFile);
        Assert.Null(trust.ApplyRevocations(list));
        Assert.Equal(["lost-key", "old-key"], trust.RevokedKids.Order(StringComparer.Ordinal));
        Assert.Equal(RefusalReasons.RevokedKey, trust.AddCertificate(File.ReadAllBytes(Path.Combine(Controller, "signing.cert"))));
        Assert.Equal(1, SignedPayloadCodec.Parse<KeyRevocationList>(list).Message!.Message.Serial);
    }

    [Fact]
    public void Init_root_never_overwrites_an_existing_root_key()
    {
        Run("keys", "init-root", "--out", Root);
        var before = File.ReadAllText(Path.Combine(Root, "root.key"));

        Assert.Equal(KeyCommandLine.Failure, Run("keys", "init-root", "--out", Root));

        Assert.Equal(before, File.ReadAllText(Path.Combine(Root, "root.key")));
        Assert.Contains("root.key", _error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys")]
    [InlineData("keys", "issue", "--kid", "a")]
    [InlineData("keys", "issue", "--root", "r", "--kid", "Not_Valid", "--days", "9", "--out", "o")]
    [InlineData("keys", "issue", "--root", "r", "--kid", "k", "--days", "zero", "--out", "o")]
    [InlineData("keys", "revoke", "--root", "r", "--serial", "1", "--out", "o")]
    [InlineData("keys", "rotate", "--out", "o")]
    [InlineData("keys", "init-root", "--out")]
    public void A_wrong_command_line_is_a_usage_error_with_the_usage(params string[] args)
    {
        Assert.Equal(KeyCommandLine.UsageError, Run(args));

        Assert.Contains("Usage", _output.ToString() + _error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_a_first_argument_of_keys_selects_the_key_tool()
    {
        Assert.True(KeyCommandLine.Handles(["keys", "init-root"]));
        Assert.False(KeyCommandLine.Handles(["--urls", "http://localhost:5080"]));
        Assert.False(KeyCommandLine.Handles([]));
    }

    public void Dispose()
    {
        _output.Dispose();
        _error.Dispose();
        _folder.Dispose();
    }

    private int Run(params string[] args) => KeyCommandLine.Run(args, _output, _error, _clock);
}
