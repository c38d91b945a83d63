using System.Buffers.Text;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests;

public sealed class RootKeyTests : IDisposable
{
    private readonly System.Security.Cryptography.ECDsa _key = EcdsaP256.CreateKey();
    private readonly string _folder = Directory.CreateTempSubdirectory("sl-root-key-").FullName;

    public void Dispose()
    {
        _key.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public void Reads_base64url_base64_pem_and_der_the_ways_installers_carry_the_key()
    {
        var der = _key.ExportSubjectPublicKeyInfo();

        Assert.Equal(der, RootKey.Parse(Base64Url.EncodeToString(der), out _));
        Assert.Equal(der, RootKey.Parse(Convert.ToBase64String(der), out _));
        Assert.Equal(der, RootKey.Parse(_key.ExportSubjectPublicKeyInfoPem() + "\n", out _));
        var derFile = Path.Combine(_folder, "root.der");
        File.WriteAllBytes(derFile, der);
        Assert.Equal(der, RootKey.ReadFile(derFile, out _));
        var pemFile = Path.Combine(_folder, "root.pem");
        File.WriteAllText(pemFile, _key.ExportSubjectPublicKeyInfoPem());
        Assert.Equal(der, RootKey.ReadFile(pemFile, out var problem));
        Assert.Null(problem);
    }

    [Fact]
    public void Refuses_what_is_not_a_p256_public_key_and_says_why()
    {
        using var rsa = System.Security.Cryptography.RSA.Create(2048);
        Assert.Null(RootKey.Parse(Convert.ToBase64String(rsa.ExportSubjectPublicKeyInfo()), out var rsaProblem));
        Assert.Contains("P-256", rsaProblem, StringComparison.Ordinal);
        Assert.Null(RootKey.Parse("not a key!", out _));
        Assert.Null(RootKey.Parse("", out _));
        Assert.Null(RootKey.ReadFile(Path.Combine(_folder, "missing.pem"), out var missing));
        Assert.Contains("cannot read", missing, StringComparison.Ordinal);
    }

    [Fact]
    public void Node_options_validation_names_a_bad_or_doubly_configured_root_key()
    {
        var validator = new NodeOptionsValidator();
        var options = ValidOptions();
        Assert.True(validator.Validate(null, options).Succeeded);

        options.Security.RootPublicKey = Base64Url.EncodeToString(_key.ExportSubjectPublicKeyInfo());
        Assert.True(validator.Validate(null, options).Succeeded);
        Assert.Equal(_key.ExportSubjectPublicKeyInfo(), NodeOptionsValidator.ReadRootKey(options.Security));

        options.Security.RootPublicKeyFile = Path.Combine(_folder, "root.pem");
        Assert.Contains("must not be set together with Node:Security:RootPublicKey", validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);

        options.Security.RootPublicKey = null;
        Assert.Contains("Node:Security:RootPublicKeyFile", validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);

        options.Security.RootPublicKeyFile = null;
        options.Security.RootPublicKey = "AAAA";
        Assert.Contains("Invalid setting Node:Security:RootPublicKey = \"AAAA\": must be a P-256 public key", validator.Validate(null, options).FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Settings_carry_the_configured_root_key_and_no_key_when_none_is_configured()
    {
        var options = ValidOptions();
        Assert.Null(NodeAgentSettingsFactory.Create(options, "thon-1", ["zone-1"], _folder).RootPublicKey);

        options.Security.RootPublicKeyFile = Path.Combine(_folder, "root.pem");
        File.WriteAllText(options.Security.RootPublicKeyFile, _key.ExportSubjectPublicKeyInfoPem());
        options.Security.TrustSynchronisedSystemClock = false;
        var settings = NodeAgentSettingsFactory.Create(options, "thon-1", ["zone-1"], _folder);
        Assert.Equal(_key.ExportSubjectPublicKeyInfo(), settings.RootPublicKey!.Value.ToArray());
        Assert.False(settings.TrustSynchronisedSystemClock);
    }

    private static NodeOptions ValidOptions()
    {
        var options = new NodeOptions { NodeId = "thon-1" };
        options.Zones.Add("zone-1");
        options.Brokers.Add(new BrokerEndpoint { Host = "127.0.0.1", Port = 1883 });
        return options;
    }
}
