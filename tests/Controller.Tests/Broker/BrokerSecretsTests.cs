using System.Runtime.Versioning;
using System.Text.Json;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>The Controller's and the observer's broker passwords: made once, kept owner-only, reused after a restart.</summary>
public sealed class BrokerSecretsTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();

    public void Dispose() => _data.Dispose();

    [Fact]
    [SupportedOSPlatform("linux")]
    public void The_first_start_makes_both_passwords_in_an_owner_only_file_and_later_starts_reuse_them()
    {
        var first = new BrokerSecrets(Options.Create(new StoreOptions { DataDirectory = Path.Combine(_data.Path, "data") }));
        var observer = first.ObserverPassword;
        var controller = first.ControllerPassword;

        var again = new BrokerSecrets(Options.Create(new StoreOptions { DataDirectory = Path.Combine(_data.Path, "data") }));

        Assert.Equal((observer, controller), (again.ObserverPassword, again.ControllerPassword));
        Assert.NotEqual(observer, controller);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(first.Path));
        using var stored = JsonDocument.Parse(File.ReadAllText(first.Path));
        Assert.Equal(observer, stored.RootElement.GetProperty("observer").GetString());
        Assert.False(File.Exists(first.Path + ".tmp"));
    }

    [Theory]
    [InlineData(BrokerMode.Embedded, "sl-controller", "secret", "Invalid setting Broker:Username = \"sl-controller\": is for an external broker only: the embedded broker's Controller account is 'controller' with the password in broker-secrets.json.")]
    [InlineData(BrokerMode.External, "sl-controller", null, "Invalid setting Broker:Username = \"sl-controller\": and Broker:Password must be set together or not at all.")]
    [InlineData(BrokerMode.External, "SL controller", "secret", "Invalid setting Broker:Username = \"SL controller\": must be lower-case letters, digits and '-' (at most 64).")]
    public void Controller_credentials_for_an_external_broker_are_validated(BrokerMode mode, string? username, string? password, string line)
    {
        var options = new BrokerOptions { Mode = mode, Host = "broker.lan", Username = username, Password = password };

        Assert.Equal(line, Assert.Single(new BrokerOptionsValidator().Validate(null, options).Failures!));
    }

    [Fact]
    public void Mosquitto_files_are_for_the_external_mode_only()
    {
        var options = new BrokerOptions { Mosquitto = { ConfigDirectory = "/etc/mosquitto/conf.d" } };

        Assert.Equal(
            "Invalid setting Broker:Mosquitto:ConfigDirectory = \"/etc/mosquitto/conf.d\": is for Broker:Mode External only.",
            Assert.Single(new BrokerOptionsValidator().Validate(null, options).Failures!));
    }

    [Fact]
    public void The_generated_tls_listener_needs_a_port_of_its_own()
    {
        var options = new BrokerOptions { Mode = BrokerMode.External, Host = "broker.lan", Port = 1883, Mosquitto = { ConfigDirectory = "/etc/sl/mosquitto" }, Tls = { Port = 0 } };
        var same = new BrokerOptions { Mode = BrokerMode.External, Host = "broker.lan", Port = 1883, Mosquitto = { ConfigDirectory = "/etc/sl/mosquitto" }, Tls = { Port = 1883 } };
        var off = new BrokerOptions { Mode = BrokerMode.External, Host = "broker.lan", Port = 1883, Mosquitto = { ConfigDirectory = "/etc/sl/mosquitto" }, Tls = { Enabled = false, Port = 0 } };

        Assert.Equal(
            "Invalid setting Broker:Tls:Port = 0: must be 1–65535 in Mosquitto's generated configuration.",
            Assert.Single(new BrokerOptionsValidator().Validate(null, options).Failures!));
        Assert.Equal("Invalid setting Broker:Tls:Port = 1883: must differ from Broker:Port.", Assert.Single(new BrokerOptionsValidator().Validate(null, same).Failures!));
        Assert.True(new BrokerOptionsValidator().Validate(null, off).Succeeded);
    }
}
