using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using MQTTnet;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Server;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Broker;

/// <summary>
/// Our listeners in place of MQTTnet's, in a bare MQTTnet server: they honour the endpoint options MQTTnet's own
/// listener does (both address families on one port the OS picks, the encrypted endpoint) and guard each connection.
/// </summary>
public sealed class GuardedTcpServerAdapterTests
{
    private readonly List<GuardRefusal> _refusals = [];

    [Theory]
    [InlineData("127.0.0.1", "::1")]
    [InlineData("0.0.0.0", "::")]
    public async Task Port_0_binds_IPv4_and_IPv6_on_one_port_and_writes_it_back(string v4, string v6)
    {
        var options = new MqttServerOptionsBuilder()
            .WithDefaultEndpoint()
            .WithDefaultEndpointPort(0)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Parse(v4))
            .WithDefaultEndpointBoundIPV6Address(IPAddress.Parse(v6))
            .Build();
        using var server = await StartAsync(options);
        var port = options.DefaultEndpointOptions.Port;
        Assert.NotEqual(0, port);

        foreach (var host in new[] { "127.0.0.1", "::1" })
        {
            using var client = new MqttClientFactory().CreateMqttClient();
            var result = await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer(host, port).WithClientId("n-" + host.Length).Build());
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
        }
    }

    [Fact]
    public async Task The_encrypted_endpoint_is_served_secure_and_guarded_under_TLS()
    {
        using var certificate = SelfSignedCertificate();
        var options = new MqttServerOptionsBuilder()
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointPort(0)
            .WithEncryptedEndpointBoundIPAddress(IPAddress.Loopback)
            .WithEncryptedEndpointBoundIPV6Address(IPAddress.None)
            .WithEncryptionCertificate(certificate)
            .Build();
        using var server = await StartAsync(options);
        var secure = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        server.ValidatingConnectionAsync += connection =>
        {
            secure.TrySetResult(connection.IsSecureConnection);
            return Task.CompletedTask;
        };

        using var client = new MqttClientFactory().CreateMqttClient();
        var closed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        client.DisconnectedAsync += _ =>
        {
            closed.TrySetResult();
            return Task.CompletedTask;
        };
        await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer("127.0.0.1", options.TlsEndpointOptions.Port)
            .WithClientId("n-tls")
            .WithTlsOptions(tls => tls.UseTls().WithCertificateValidationHandler(_ => true))
            .Build());
        Assert.True(await secure.Task.WaitAsync(TimeSpan.FromSeconds(10)));

        _ = client.PublishAsync(new MqttApplicationMessageBuilder().WithTopic("sl/v1/node/n-tls/health").WithPayload(new byte[20_000]).Build());
        await closed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(("packet-too-large", "n-tls"), (Assert.Single(_refusals).Reason, _refusals[0].ClientId));
    }

    private async Task<MqttServer> StartAsync(MqttServerOptions options)
    {
        var adapter = new GuardedTcpServerAdapter(
            new PacketLimits(new BrokerOptions(), "controller-x"), new FakeTimeProvider(), refusal =>
            {
                lock (_refusals)
                {
                    _refusals.Add(refusal);
                }
            },
            NullLogger.Instance);
        var server = new MqttServerFactory().CreateMqttServer(options, [adapter], new MqttNetNullLogger());
        await server.StartAsync();
        return server;
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));

        // Through PKCS#12 so that the private key is usable by SslStream on Linux.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), password: null);
    }
}
