using System.Net;
using System.Security.Authentication;
using MQTTnet.Certificates;
using MQTTnet.Server;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>The embedded broker's TLS listener, added to its MQTTnet options beside the plain one.</summary>
internal static class BrokerTlsEndpoint
{
    /// <summary>
    /// Adds the encrypted endpoint on <paramref name="port"/> and the same addresses as the plain one, TLS 1.2 and 1.3
    /// only, presenting what <paramref name="certificate"/> gives (asked again on every connection, so a renewal
    /// takes effect without a restart). MQTTnet writes the bound port back into the options when asked for port 0.
    /// </summary>
    public static MqttServerOptionsBuilder Add(MqttServerOptionsBuilder builder, int port, IPAddress v4, IPAddress v6, ICertificateProvider certificate)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .WithEncryptedEndpoint()
            .WithEncryptedEndpointPort(port)
            .WithEncryptedEndpointBoundIPAddress(v4)
            .WithEncryptedEndpointBoundIPV6Address(v6)
            .WithEncryptionSslProtocol(SslProtocols.Tls12 | SslProtocols.Tls13)
            .WithEncryptionCertificate(certificate);
    }
}
