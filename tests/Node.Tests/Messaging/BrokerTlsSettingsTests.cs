using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;

namespace SmartLoudspeaker.Node.Tests.Messaging;

/// <summary><c>Node:Brokers:N:Tls</c> and <c>Node:BrokerCaFile</c>: bound, and refused at start when they cannot work.</summary>
public sealed class BrokerTlsSettingsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("sl-node-tls-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void A_TLS_broker_and_the_pinned_CA_bind_into_the_agent_settings()
    {
        using var ca = NewCa();
        var file = Write("broker-ca.pem", ca.ExportCertificatePem());

        var options = Resolve(Settings(tls: "true", caFile: file));
        var settings = NodeAgentSettingsFactory.Create(options, "nha-van-hoa-01", ["thon-1"], _folder);

        Assert.True(settings.Brokers[0].Tls);
        Assert.Equal("10.0.0.1:8883 (TLS)", settings.Brokers[0].ToString());
        Assert.Equal(ca.RawData, settings.BrokerCaCertificate!.Value.ToArray());
        settings.Validate();
    }

    [Fact]
    public void A_DER_CA_file_is_accepted_as_well()
    {
        using var ca = NewCa();
        var file = Path.Combine(_folder, "broker-ca.der");
        File.WriteAllBytes(file, ca.RawData);

        Assert.Equal(file, Resolve(Settings(tls: "true", caFile: file)).BrokerCaFile);
    }

    [Fact]
    public void A_TLS_broker_without_a_CA_file_is_an_invalid_setting_naming_the_key()
    {
        var error = Assert.Throws<OptionsValidationException>(() => Resolve(Settings(tls: "true", caFile: null)));

        Assert.Equal(
            "Invalid setting Node:BrokerCaFile = (not set): must name the broker CA certificate (broker-ca.pem from the Controller's data folder) when a broker has Tls: true.",
            Assert.Single(error.Failures));
    }

    [Fact]
    public void An_unreadable_CA_file_is_an_invalid_setting()
    {
        var missing = Path.Combine(_folder, "missing.pem");

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(Settings(tls: "true", caFile: missing)));

        Assert.StartsWith($"Invalid setting Node:BrokerCaFile = \"{missing}\": must name a readable file (cannot read", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void A_servers_own_certificate_pinned_by_mistake_is_refused_as_not_a_CA()
    {
        using var ca = NewCa();
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=broker", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        using var server = request.Create(ca, DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(1), [1, 2, 3]);
        var file = Write("server.pem", server.ExportCertificatePem());

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(Settings(tls: "true", caFile: file)));

        Assert.Contains("'CN=broker' is not a CA certificate", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_holds_no_certificate_is_refused_even_without_a_TLS_broker()
    {
        var file = Write("broker-ca.pem", "not a certificate");

        var error = Assert.Throws<OptionsValidationException>(() => Resolve(Settings(tls: "false", caFile: file)));

        Assert.StartsWith($"Invalid setting Node:BrokerCaFile = \"{file}\": must name a file holding the broker CA certificate (not an X.509 certificate", Assert.Single(error.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Agent_settings_with_a_TLS_broker_but_no_CA_are_refused()
    {
        var settings = new NodeAgentSettings
        {
            NodeId = "nha-van-hoa-01",
            Zones = ["thon-1"],
            Brokers = [new BrokerEndpoint { Host = "10.0.0.1", Port = 8883, Tls = true }],
        };

        var error = Assert.Throws<ArgumentException>(settings.Validate);

        Assert.Contains("BrokerCaCertificate is required when a broker uses TLS.", error.Message, StringComparison.Ordinal);
    }

    private static X509Certificate2 NewCa()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=test broker CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign, true));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddYears(1));
    }

    private static Dictionary<string, string?> Settings(string tls, string? caFile) => new()
    {
        ["Node:NodeId"] = "nha-van-hoa-01",
        ["Node:Zones:0"] = "thon-1",
        ["Node:Brokers:0:Host"] = "10.0.0.1",
        ["Node:Brokers:0:Port"] = "8883",
        ["Node:Brokers:0:Tls"] = tls,
        ["Node:BrokerCaFile"] = caFile,
    };

    private static NodeOptions Resolve(IDictionary<string, string?> values)
    {
        var services = new ServiceCollection();
        services.AddSmartLoudspeakerNode(new ConfigurationBuilder().AddInMemoryCollection(values).Build());
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<NodeOptions>>().Value;
    }

    private string Write(string name, string text)
    {
        var path = Path.Combine(_folder, name);
        File.WriteAllText(path, text);
        return path;
    }
}
