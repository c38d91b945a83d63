using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MQTTnet;
using MQTTnet.Formatter;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Broker.Tls;

/// <summary>The embedded broker's TLS listener, reached by a real MQTTnet client over real TLS on loopback.</summary>
public sealed class BrokerTlsListenerTests : IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        _owned.ForEach(owned => owned.Dispose());
        _data.Dispose();
    }

    [Fact]
    public async Task A_client_pinning_the_generated_CA_connects_over_TLS_on_the_port_bound()
    {
        var host = Own(ControllerHost.Start(_data.Path));
        var broker = host.Services.GetRequiredService<EmbeddedBroker>();
        using var ca = X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(_data.Path, "broker-ca.pem")));

        Assert.NotEqual(0, broker.TlsPort);
        Assert.NotEqual(broker.Port, broker.TlsPort);
        var presented = await ConnectAsync(host, ca);

        Assert.Equal(MqttClientConnectResultCode.Success, presented.Result);
        Assert.Equal(ca.Subject, presented.Certificate!.Issuer);
        Assert.Contains(host.Logs.Lines, line => line.Message.Contains("listening with TLS", StringComparison.Ordinal) && line.Message.Contains("broker-ca.pem", StringComparison.Ordinal));
        host.AssertNoErrors();
    }

    [Fact]
    public async Task A_client_pinning_another_CA_cannot_connect_and_the_broker_logs_no_error()
    {
        var host = Own(ControllerHost.Start(_data.Path, settings: GuardDebugLog));
        using var stranger = BrokerCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);

        var refused = await Assert.ThrowsAsync<MQTTnet.Exceptions.MqttCommunicationException>(() => ConnectAsync(host, stranger));
        Assert.IsType<AuthenticationException>(refused.InnerException);

        await host.Logs.WaitForAsync(line => line.Message.Contains("ended before MQTT", StringComparison.Ordinal), ControllerHost.Timeout);
        host.AssertNoErrors();

        // Under TLS 1.3 the client refuses the certificate after the handshake: MQTTnet must not see that as a bad first packet.
        Assert.DoesNotContain(host.Logs.Lines, line => line.Category == "MQTTnet.Server");
    }

    [Fact]
    public async Task Port_probes_and_plain_MQTT_on_the_TLS_port_end_quietly()
    {
        var host = Own(ControllerHost.Start(_data.Path, settings: GuardDebugLog));
        var broker = host.Services.GetRequiredService<EmbeddedBroker>();

        foreach (var port in new[] { broker.TlsPort, broker.Port })
        {
            // What a node's fail-back probe does: connect, then close without a word.
            using var probe = new System.Net.Sockets.TcpClient();
            await probe.ConnectAsync("127.0.0.1", port);
        }

        var plain = new MqttClientFactory().CreateMqttClient();
        _owned.Add(plain);
        await Assert.ThrowsAnyAsync<Exception>(() => plain.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", broker.TlsPort).WithClientId("plain-on-tls").WithTimeout(TimeSpan.FromSeconds(2)).Build()));

        var handshakes = 0;
        await host.Logs.WaitForAsync(line => line.Message.Contains("ended before MQTT", StringComparison.Ordinal) && ++handshakes == 3, ControllerHost.Timeout);
        host.AssertNoErrors();
        Assert.DoesNotContain(host.Logs.Lines, line => line.Category == "MQTTnet.Server");
    }

    [Fact]
    public async Task A_certificate_close_to_its_end_is_renewed_for_the_next_connection_without_a_restart()
    {
        var host = Own(ControllerHost.Start(_data.Path));
        var before = await ConnectAsync(host, pinned: null);

        host.Clock.Advance(BrokerCertificateAuthority.ServerValidity - BrokerCertificateAuthority.RenewBefore);
        var after = await ConnectAsync(host, pinned: null);

        Assert.NotEqual(before.Certificate!.Thumbprint, after.Certificate!.Thumbprint);
        Assert.Equal(before.Certificate.Issuer, after.Certificate.Issuer);
        Assert.True(after.Certificate.NotAfter > before.Certificate.NotAfter);
    }

    [Fact]
    public async Task A_communes_own_certificate_is_presented_and_nothing_is_generated()
    {
        using var communeCa = BrokerCertificateAuthority.CreateAuthority(DateTimeOffset.UtcNow);
        using var own = BrokerCertificateAuthority.IssueServer(communeCa, ["127.0.0.1"], DateTimeOffset.UtcNow.AddHours(-1), DateTimeOffset.UtcNow.AddDays(90));
        var folder = Directory.CreateDirectory(Path.Combine(_data.Path, "commune")).FullName;
        var certificateFile = Path.Combine(folder, "server.pem");
        var keyFile = Path.Combine(folder, "server.key");
        await File.WriteAllTextAsync(certificateFile, own.ExportCertificatePem());
        await File.WriteAllTextAsync(keyFile, own.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        var host = Own(ControllerHost.Start(Path.Combine(_data.Path, "controller"), settings: new Dictionary<string, string?>
        {
            ["Broker:Tls:CertificateFile"] = certificateFile,
            ["Broker:Tls:KeyFile"] = keyFile,
        }));

        var presented = await ConnectAsync(host, communeCa);

        Assert.Equal(MqttClientConnectResultCode.Success, presented.Result);
        Assert.Equal(own.Thumbprint, presented.Certificate!.Thumbprint);
        Assert.False(File.Exists(Path.Combine(_data.Path, "controller", "broker-ca.pem")));
    }

    [Fact]
    public void A_damaged_CA_stops_the_broker_with_a_critical_line_naming_the_files()
    {
        using (ControllerHost.Start(_data.Path))
        {
        }

        File.WriteAllText(Path.Combine(_data.Path, "broker-ca.pem"), "damaged");
        using var host = ControllerHost.Create(_data.Path);

        var refusal = Assert.Throws<InvalidOperationException>(host.StartServer);

        Assert.Contains("broker-ca.pem", refusal.Message, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Lines, line => line.Level == LogLevel.Critical && line.Message.Contains("TLS listener cannot start", StringComparison.Ordinal));
    }

    [Fact]
    public void With_TLS_off_there_is_no_TLS_port_and_no_certificate()
    {
        var host = Own(ControllerHost.Start(_data.Path, settings: new Dictionary<string, string?> { ["Broker:Tls:Enabled"] = "false" }));

        Assert.Equal(0, host.Services.GetRequiredService<EmbeddedBroker>().TlsPort);
        Assert.False(File.Exists(Path.Combine(_data.Path, "broker-ca.pem")));
    }

    [Theory]
    [InlineData(1883, 1883, null, null, null, "Invalid setting Broker:Tls:Port = 1883: must differ from Broker:Port.")]
    [InlineData(1883, 70000, null, null, null, "Invalid setting Broker:Tls:Port = 70000: must be 0–65535 (0 picks a free port).")]
    [InlineData(1883, 8883, "under_score host", null, null, "Invalid setting Broker:Tls:HostNames:0 = \"under_score host\": must be a DNS name or an IP address nodes use to reach the broker.")]
    [InlineData(1883, 8883, null, "/etc/sl/server.pem", null, "Invalid setting Broker:Tls:KeyFile = (not set): must name the private key (PEM) of Broker:Tls:CertificateFile.")]
    [InlineData(1883, 8883, null, "/nonexistent/server.pem", "/nonexistent/server.key", "Invalid setting Broker:Tls:CertificateFile = \"/nonexistent/server.pem\": must be a readable PEM certificate whose private key is in Broker:Tls:KeyFile (/nonexistent/server.key).")]
    public void An_unusable_TLS_setting_is_refused_in_the_one_line_form(int port, int tlsPort, string? hostName, string? certificateFile, string? keyFile, string line)
    {
        var options = new BrokerOptions { Port = port, Tls = { Port = tlsPort, CertificateFile = certificateFile, KeyFile = keyFile } };
        if (hostName is not null)
        {
            options.Tls.HostNames.Add(hostName);
        }

        var result = new BrokerOptionsValidator().Validate(null, options);

        Assert.Equal(line, Assert.Single(result.Failures!));
    }

    [Fact]
    public void TLS_is_on_by_default_on_8883()
    {
        var options = new BrokerOptions();

        Assert.Equal((true, 8883), (options.Tls.Enabled, options.Tls.Port));
    }

    /// <summary>The broker's listener says at debug level that a connection ended before MQTT: the signal it was handled.</summary>
    private static Dictionary<string, string?> GuardDebugLog => new()
    {
        ["Logging:LogLevel:SmartLoudspeaker.Controller.Infrastructure.Broker.Guard"] = "Debug",
    };

    private T Own<T>(T owned)
        where T : IDisposable
    {
        _owned.Add(owned);
        return owned;
    }

    /// <summary>
    /// Connects to <paramref name="host"/>'s TLS port as the observer (the broker refuses anonymous clients), pinning
    /// <paramref name="pinned"/> (or accepting any certificate), and tells what the broker presented.
    /// </summary>
    private async Task<(MqttClientConnectResultCode Result, X509Certificate2? Certificate)> ConnectAsync(ControllerHost host, X509Certificate2? pinned)
    {
        X509Certificate2? seen = null;
        var client = new MqttClientFactory().CreateMqttClient();
        _owned.Add(client);
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", host.Services.GetRequiredService<EmbeddedBroker>().TlsPort)
            .WithClientId("tls-probe")
            .WithCredentials("observer", host.ObserverPassword())
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithTimeout(ControllerHost.Timeout)
            .WithTlsOptions(tls =>
            {
                tls.UseTls().WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13);
                if (pinned is null)
                {
                    tls.WithCertificateValidationHandler(args =>
                    {
                        seen = new X509Certificate2(args.Certificate);
                        return true;
                    });
                }
                else
                {
                    tls.WithTrustChain([pinned]).WithCertificateValidationHandler(args =>
                    {
                        seen = new X509Certificate2(args.Certificate);
                        return args.SslPolicyErrors == System.Net.Security.SslPolicyErrors.None;
                    });
                }
            })
            .Build();
        var result = await client.ConnectAsync(options);
        if (seen is not null)
        {
            _owned.Add(seen);
        }

        return (result.ResultCode, seen);
    }
}
