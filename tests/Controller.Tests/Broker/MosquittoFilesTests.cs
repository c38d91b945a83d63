using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Broker;

/// <summary>The text of the generated Mosquitto files, from the same rules the embedded broker applies.</summary>
public sealed class MosquittoFilesTests
{
    private static readonly string Hash = BrokerPasswordHash.Create("secret");

    [Fact]
    public void The_password_file_holds_each_accounts_stored_hash_unchanged_and_skips_lines_that_would_break_it()
    {
        var text = MosquittoFiles.PasswordFile(
        [
            new BrokerAccount("controller", BrokerAccountKind.Controller, Hash, []),
            new BrokerAccount("sim-06", BrokerAccountKind.Node, Hash, ["thon-1"]),
            new BrokerAccount("bad:name", BrokerAccountKind.Node, Hash, ["thon-1"]),
            new BrokerAccount("sim-07", BrokerAccountKind.Node, "not-a-hash", ["thon-1"]),
        ]);

        Assert.Equal($"controller:{Hash}\nsim-06:{Hash}\n", text);
    }

    [Fact]
    public void The_acl_file_gives_each_user_its_lines_read_for_subscribe_and_write_for_publish()
    {
        var text = MosquittoFiles.AclFile(
        [
            new BrokerAccount("sim-06", BrokerAccountKind.Node, Hash, ["thon-1"]),
            new BrokerAccount("observer", BrokerAccountKind.Observer, Hash, []),
            new BrokerAccount("enrol", BrokerAccountKind.Enrolment, Hash, []),
        ]);

        Assert.Contains("\nuser sim-06\ntopic write sl/v1/node/sim-06/birth\n", text, StringComparison.Ordinal);
        Assert.Contains("topic read sl/v1/node/sim-06/cmd\n", text, StringComparison.Ordinal);
        Assert.Contains("topic read sl/v1/zone/thon-1/cmd\n", text, StringComparison.Ordinal);
        Assert.Contains("\nuser observer\ntopic read sl/v1/#\n", text, StringComparison.Ordinal);
        Assert.Contains("\nuser enrol\ntopic write sl/v1/enrol/+/request\ntopic read sl/v1/enrol/+/status\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("topic write sl/v1/node/sim-06/cmd", text, StringComparison.Ordinal);
    }

    [Fact]
    public void The_configuration_refuses_anonymous_clients_forces_the_client_id_and_sets_the_caps()
    {
        var text = MosquittoFiles.ConfigurationFile("/etc/sl/mosquitto", new BrokerOptions { Mode = BrokerMode.External, Port = 1883 }, []);

        foreach (var line in new[]
        {
            "allow_anonymous false", "password_file /etc/sl/mosquitto/passwd", "acl_file /etc/sl/mosquitto/acl", "persistence false",
            "max_packet_size 65536", "max_inflight_messages 16", "max_queued_messages 5000", "listener 1883", "max_connections 2001",
            "use_username_as_clientid true",
        })
        {
            Assert.Contains("\n" + line + "\n", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void The_tls_listener_follows_the_plain_one_with_the_same_listener_settings()
    {
        var tls = MosquittoTlsListener.Lines(8883, "/etc/sl/mosquitto/broker-ca.pem", "/etc/sl/mosquitto/broker-server.pem", "/etc/sl/mosquitto/broker-server.key");

        var text = MosquittoFiles.ConfigurationFile("/etc/sl/mosquitto", new BrokerOptions { Mode = BrokerMode.External, Port = 1883 }, tls);

        // Mosquitto applies a listener setting to the listener line above it: without its own, the TLS listener would
        // let any client id in and have no connection cap.
        Assert.EndsWith(
            "\nlistener 1883\nmax_connections 2001\nuse_username_as_clientid true\n"
            + "\nlistener 8883\ncafile /etc/sl/mosquitto/broker-ca.pem\ncertfile /etc/sl/mosquitto/broker-server.pem\n"
            + "keyfile /etc/sl/mosquitto/broker-server.key\ntls_version tlsv1.2\nrequire_certificate false\n"
            + "max_connections 2001\nuse_username_as_clientid true\n",
            text,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_communes_own_certificate_is_presented_without_a_ca_file()
    {
        var lines = MosquittoTlsListener.Lines(8883, null, "/etc/sl/mosquitto/broker-server.pem", "/etc/sl/mosquitto/broker-server.key");

        Assert.DoesNotContain(lines, line => line.StartsWith("cafile", StringComparison.Ordinal));
        Assert.Contains("certfile /etc/sl/mosquitto/broker-server.pem", lines);
    }
}
