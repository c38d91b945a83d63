using System.Buffers;
using System.Net;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Channel;
using MQTTnet.Implementations;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// MQTTnet's TCP channel over the guard, telling MQTTnet whether the connection is encrypted: <see cref="MqttTcpChannel"/>
/// decides that from its stream being an <c>SslStream</c>, and with the guard on top of the TLS stream it no longer is.
/// </summary>
internal sealed class SecureAwareChannel(MqttTcpChannel inner, bool isSecureConnection) : IMqttChannel
{
    /// <inheritdoc />
    public X509Certificate2 ClientCertificate => inner.ClientCertificate;

    /// <inheritdoc />
    public EndPoint RemoteEndPoint => inner.RemoteEndPoint;

    /// <inheritdoc />
    public EndPoint LocalEndPoint => inner.LocalEndPoint;

    /// <inheritdoc />
    public bool IsSecureConnection => isSecureConnection;

    /// <inheritdoc />
    public Task ConnectAsync(CancellationToken cancellationToken) => inner.ConnectAsync(cancellationToken);

    /// <inheritdoc />
    public Task DisconnectAsync(CancellationToken cancellationToken) => inner.DisconnectAsync(cancellationToken);

    /// <inheritdoc />
    public Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        inner.ReadAsync(buffer, offset, count, cancellationToken);

    /// <inheritdoc />
    public Task WriteAsync(ReadOnlySequence<byte> buffer, bool isEndOfPacket, CancellationToken cancellationToken) =>
        inner.WriteAsync(buffer, isEndOfPacket, cancellationToken);

    /// <inheritdoc />
    public void Dispose() => inner.Dispose();
}
