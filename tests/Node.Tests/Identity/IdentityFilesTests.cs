using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Identity;

/// <summary>
/// The node's key and broker password in its data folder: made at first start readable by the owner only, the same
/// after a restart, and a damaged file is an error naming it, never replaced.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class IdentityFilesTests : IDisposable
{
    private readonly string _data = Directory.CreateTempSubdirectory("sl-node-identity-").FullName;
    private readonly ListLogger<NodeAgent> _logger = new();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Fact]
    public void First_start_makes_a_key_and_password_readable_by_the_owner_only_and_a_restart_keeps_them()
    {
        string fingerprint;
        string password;
        string hash;
        using (var keyring = NodeKeyring.Open("thon-1", _data, _logger))
        {
            (fingerprint, password, hash) = (keyring.Current.Fingerprint, keyring.Current.Password, keyring.Current.PasswordHash);
        }

        foreach (var file in new[] { IdentityFiles.KeyFileName, IdentityFiles.PasswordFileName })
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, file)));
        }

        Assert.True(BrokerPasswordHash.Verify(password, hash));
        Assert.Contains(_logger.Entries, entry => entry.Message.Contains(fingerprint, StringComparison.Ordinal) && entry.Message.Contains("new key", StringComparison.Ordinal));
        Assert.DoesNotContain(_logger.Entries, entry => entry.Message.Contains(password, StringComparison.Ordinal));

        using var again = NodeKeyring.Open("thon-1", _data, _logger);
        Assert.Equal((fingerprint, password, hash), (again.Current.Fingerprint, again.Current.Password, again.Current.PasswordHash));
        Assert.Empty(Directory.GetFiles(_data, "*.tmp"));
    }

    [Fact]
    public void A_damaged_key_file_stops_the_node_naming_the_file_and_is_left_as_it_was()
    {
        var keyFile = Path.Combine(_data, IdentityFiles.KeyFileName);
        File.WriteAllText(keyFile, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");

        var refused = Assert.Throws<InvalidDataException>(() => NodeComposer.Compose(Settings(), NodeDrivers.Simulated(1), new FakeTimeProvider(), _logger));

        Assert.Contains(keyFile, refused.Message, StringComparison.Ordinal);
        Assert.Equal("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n", File.ReadAllText(keyFile));
        Assert.False(File.Exists(Path.Combine(_data, IdentityFiles.PasswordFileName)));
    }

    [Fact]
    public void A_damaged_password_file_is_an_error_naming_it()
    {
        using (NodeKeyring.Open("thon-1", _data, _logger))
        {
        }

        var passwordFile = Path.Combine(_data, IdentityFiles.PasswordFileName);
        File.WriteAllText(passwordFile, "only-one-line\n");

        var refused = Assert.Throws<InvalidDataException>(() => IdentityFiles.LoadOrCreate(_data, out _));

        Assert.Contains(passwordFile, refused.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_data_folder_the_identity_lives_in_memory()
    {
        using var first = NodeKeyring.Open("thon-1", null, _logger);
        using var second = NodeKeyring.Open("thon-1", null, _logger);

        Assert.NotEqual(first.Current.Fingerprint, second.Current.Fingerprint);
        Assert.Empty(Directory.GetFiles(_data));
    }

    [Fact]
    public void A_rotation_stores_the_new_identity_at_once_and_switches_only_when_activated_for_its_command()
    {
        using var keyring = NodeKeyring.Open("thon-1", _data, _logger);
        var old = keyring.Current.Fingerprint;

        var fresh = keyring.Prepare("cmd-rotate");

        Assert.Equal(old, keyring.Current.Fingerprint);
        Assert.False(keyring.Activate("cmd-other"));
        using (var stored = IdentityFiles.LoadOrCreate(_data, out _))
        {
            Assert.Equal(fresh.Fingerprint, stored.Fingerprint);
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(Path.Combine(_data, IdentityFiles.KeyFileName)));
        Assert.True(keyring.Activate("cmd-rotate"));
        Assert.Equal(fresh.Fingerprint, keyring.Current.Fingerprint);
        Assert.NotEqual(old, fresh.Fingerprint);
        Assert.False(keyring.Activate("cmd-rotate"));
    }

    private NodeAgentSettings Settings() => new()
    {
        NodeId = "thon-1",
        Zones = ["zone-1"],
        Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = 1 }],
        DataDirectory = _data,
    };
}
