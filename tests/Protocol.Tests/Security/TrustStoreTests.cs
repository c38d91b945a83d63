using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

public sealed class TrustStoreTests : IDisposable
{
    private readonly TestKeys keys = new();

    [Fact]
    public void A_certificate_signed_by_the_root_makes_its_key_trusted()
    {
        using var trust = keys.NodeTrust();
        var data = "hello"u8.ToArray();

        Assert.Null(trust.Verify(keys.Controller.Kid, TestKeys.Now, data, keys.Controller.SignBytes(data)));
    }

    [Fact]
    public void A_certificate_not_signed_by_the_root_is_refused()
    {
        using var trust = new TrustStore(keys.Root.PublicKey());

        var refusal = trust.AddCertificate(keys.Stranger.Sign(TestKeys.CertificateFor(keys.Stranger)));

        Assert.Equal(RefusalReasons.BadSignature, refusal);
    }

    [Fact]
    public void A_key_the_root_revoked_is_no_longer_trusted_and_cannot_be_certified_again()
    {
        using var trust = keys.NodeTrust();
        var revocation = new KeyRevocationList { Serial = 1, IssuedAt = TestKeys.Now, RevokedKids = [keys.Controller.Kid] };

        Assert.Null(trust.ApplyRevocations(keys.Root.Sign(revocation)));

        Assert.Equal(RefusalReasons.RevokedKey, trust.Verify(keys.Controller.Kid, TestKeys.Now, [1], new byte[64]));
        Assert.Equal(RefusalReasons.RevokedKey, trust.AddCertificate(keys.Root.Sign(TestKeys.CertificateFor(keys.Controller))));
        Assert.Contains(keys.Controller.Kid, trust.RevokedKids);
    }

    [Fact]
    public void A_revocation_list_not_signed_by_the_root_is_refused()
    {
        using var trust = keys.NodeTrust();
        var revocation = new KeyRevocationList { Serial = 9, IssuedAt = TestKeys.Now, RevokedKids = [keys.Controller.Kid] };

        Assert.Equal(RefusalReasons.BadSignature, trust.ApplyRevocations(keys.Controller.Sign(revocation)));
        Assert.Empty(trust.RevokedKids);
    }

    [Fact]
    public void A_signature_outside_the_certificate_window_is_refused()
    {
        using var trust = new TrustStore(keys.Root.PublicKey());
        trust.AddCertificate(keys.Root.Sign(TestKeys.CertificateFor(keys.Controller, TestKeys.Now.AddDays(-10), TestKeys.Now.AddDays(-1))));
        var data = "late"u8.ToArray();

        Assert.Equal(RefusalReasons.KeyNotValid, trust.Verify(keys.Controller.Kid, TestKeys.Now, data, keys.Controller.SignBytes(data)));
    }

    [Fact]
    public void An_unknown_key_id_is_refused()
    {
        using var trust = keys.NodeTrust();

        Assert.Equal(RefusalReasons.UnknownKey, trust.Verify("someone-else", TestKeys.Now, [1], new byte[64]));
    }

    [Fact]
    public void Persisted_certificates_restore_the_same_trust()
    {
        using var first = keys.NodeTrust();
        using var restored = new TrustStore(keys.Root.PublicKey());

        foreach (var payload in first.CertificatePayloads)
        {
            Assert.Null(restored.AddCertificate(payload));
        }

        var data = "again"u8.ToArray();
        Assert.Null(restored.Verify(keys.Controller.Kid, TestKeys.Now, data, keys.Controller.SignBytes(data)));
    }

    public void Dispose() => keys.Dispose();
}
