using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Broker.Tls;

/// <summary>The broker's CA and server certificate in the data folder: made once, kept, renewed when they must be.</summary>
public sealed class BrokerCertificateFilesTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 8, 0, 0, TimeSpan.Zero);
    private static readonly string[] Names = ["controller.thon-3.lan", "192.168.10.2"];
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    public void The_first_start_makes_a_CA_and_a_server_certificate_it_signed_for_the_configured_names()
    {
        using var server = Ensure(Names, Now);

        using var ca = X509Certificate2.CreateFromPem(System.IO.File.ReadAllText(File("broker-ca.pem")));
        Assert.True(ca.Extensions.OfType<X509BasicConstraintsExtension>().Single().CertificateAuthority);
        Assert.Equal(Now + BrokerCertificateAuthority.AuthorityValidity, new DateTimeOffset(ca.NotAfter), TimeSpan.FromSeconds(1));
        Assert.True(server.HasPrivateKey);
        Assert.Equal(Now + BrokerCertificateAuthority.ServerValidity, new DateTimeOffset(server.NotAfter), TimeSpan.FromSeconds(1));
        Assert.True(server.MatchesHostname("controller.thon-3.lan"));
        Assert.True(server.MatchesHostname("192.168.10.2"));
        Assert.False(server.MatchesHostname("localhost"));

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = Now.UtcDateTime;
        Assert.True(chain.Build(server), string.Join(", ", chain.ChainStatus.Select(status => status.StatusInformation)));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public void The_private_keys_are_readable_by_their_owner_only()
    {
        using var server = Ensure(Names, Now);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File("broker-ca.key")));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, System.IO.File.GetUnixFileMode(File("broker-server.key")));
        Assert.Empty(Directory.GetFiles(_data.Path, "*.tmp"));
    }

    [Fact]
    public void A_restart_with_the_same_names_keeps_both_certificates()
    {
        using var first = Ensure(Names, Now);
        var ca = System.IO.File.ReadAllBytes(File("broker-ca.pem"));

        using var second = Ensure([.. Names.Reverse()], Now + TimeSpan.FromDays(100));

        Assert.Equal(first.Thumbprint, second.Thumbprint);
        Assert.Equal(ca, System.IO.File.ReadAllBytes(File("broker-ca.pem")));
    }

    [Fact]
    public void Changed_names_give_a_new_server_certificate_from_the_same_CA()
    {
        using var first = Ensure(Names, Now);
        var ca = System.IO.File.ReadAllBytes(File("broker-ca.pem"));

        using var second = Ensure([.. Names, "10.8.0.1"], Now);

        Assert.NotEqual(first.Thumbprint, second.Thumbprint);
        Assert.True(second.MatchesHostname("10.8.0.1"));
        Assert.Equal(ca, System.IO.File.ReadAllBytes(File("broker-ca.pem")));
        using var written = X509Certificate2.CreateFromPemFile(File("broker-server.pem"), File("broker-server.key"));
        Assert.Equal(second.Thumbprint, written.Thumbprint);
    }

    [Theory]
    [InlineData(31, false)]
    [InlineData(30, true)]
    [InlineData(-5, true)]
    public void A_server_certificate_is_renewed_within_30_days_of_its_end(int daysLeft, bool renewed)
    {
        using var first = Ensure(Names, Now);

        using var second = Ensure(Names, new DateTimeOffset(first.NotAfter) - TimeSpan.FromDays(daysLeft));

        Assert.Equal(renewed, first.Thumbprint != second.Thumbprint);
    }

    [Fact]
    public void A_damaged_CA_stops_the_start_instead_of_being_replaced()
    {
        using (Ensure(Names, Now))
        {
        }

        System.IO.File.WriteAllText(File("broker-ca.key"), "damaged");
        var ca = System.IO.File.ReadAllBytes(File("broker-ca.pem"));

        var refusal = Assert.Throws<InvalidOperationException>(() => Ensure(Names, Now));

        Assert.Contains("broker-ca.key", refusal.Message, StringComparison.Ordinal);
        Assert.Equal(ca, System.IO.File.ReadAllBytes(File("broker-ca.pem")));
    }

    [Fact]
    public void The_default_names_are_this_machine_and_loopback()
    {
        var names = BrokerCertificateAuthority.DefaultHostNames();

        Assert.Equal(["localhost", "127.0.0.1", "::1"], names.TakeLast(3));
    }

    private X509Certificate2 Ensure(IReadOnlyList<string> names, DateTimeOffset now) =>
        BrokerCertificateFiles.EnsureServerCertificate(_data.Path, names, now, NullLogger.Instance);

    private string File(string name) => Path.Combine(_data.Path, name);
}
