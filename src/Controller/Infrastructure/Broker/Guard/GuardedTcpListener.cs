using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using MQTTnet.Adapter;
using MQTTnet.Formatter;
using MQTTnet.Implementations;
using MQTTnet.Server;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// One listening socket (one address family of one endpoint) and its accept loop. Each accepted connection becomes
/// network stream → TLS (on the encrypted endpoint) → <see cref="PacketGuardStream"/> → MQTTnet's channel adapter,
/// with the socket options and the channel set-up MQTTnet's own listener uses (5.2.0.1603,
/// <c>MqttTcpServerListener</c>).
/// </summary>
internal sealed class GuardedTcpListener : IDisposable
{
    /// <summary>Linux's <c>SOL_SOCKET</c> and <c>SO_REUSEADDR</c> (asm-generic/socket.h).</summary>
    private const int LinuxSolSocket = 1;
    private const int LinuxSoReuseAddr = 2;

    private readonly MqttServerOptions _serverOptions;
    private readonly MqttServerTcpEndpointBaseOptions _endpoint;
    private readonly GuardedTcpServerAdapter _adapter;
    private readonly Socket _socket;
    private readonly IPEndPoint _localEndPoint;

    /// <summary>Binds and listens on <paramref name="address"/> and the endpoint's port; with port 0 it writes the port the OS chose back into the endpoint's options, as MQTTnet does.</summary>
    public GuardedTcpListener(MqttServerOptions serverOptions, MqttServerTcpEndpointBaseOptions endpoint, IPAddress address, GuardedTcpServerAdapter adapter)
    {
        _serverOptions = serverOptions;
        _endpoint = endpoint;
        _adapter = adapter;
        _socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        try
        {
            if (endpoint.ReuseAddress)
            {
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
            }
            else if (OperatingSystem.IsLinux())
            {
                // A Controller killed or crashed leaves its connections on this port in TIME_WAIT for a minute: without
                // SO_REUSEADDR the restarted one (systemd, a test's SIGKILL) cannot listen until they clear. Set raw,
                // because .NET's ReuseAddress also sets SO_REUSEPORT on Linux, which would let a second broker listen
                // here beside this one; SO_REUSEADDR alone still refuses a port another socket listens on.
                _socket.SetRawSocketOption(LinuxSolSocket, LinuxSoReuseAddr, BitConverter.GetBytes(1));
            }

            _socket.NoDelay = endpoint.NoDelay;
            if (endpoint.LingerState is { } linger)
            {
                _socket.LingerState = linger;
            }

            if (endpoint.KeepAlive is { } keepAlive)
            {
                _socket.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.KeepAlive, keepAlive);
            }

            if (endpoint.TcpKeepAliveTime is { } time)
            {
                _socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveTime, time);
            }

            if (endpoint.TcpKeepAliveInterval is { } interval)
            {
                _socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveInterval, interval);
            }

            if (endpoint.TcpKeepAliveRetryCount is { } retries)
            {
                _socket.SetSocketOption(SocketOptionLevel.Tcp, SocketOptionName.TcpKeepAliveRetryCount, retries);
            }

            _socket.Bind(new IPEndPoint(address, endpoint.Port));
            _localEndPoint = (IPEndPoint)_socket.LocalEndPoint!;
            endpoint.Port = _localEndPoint.Port;
            _socket.Listen(endpoint.ConnectionBacklog);
        }
        catch
        {
            _socket.Dispose();
            throw;
        }
    }

    /// <summary>Accepts connections until <paramref name="cancellationToken"/> is cancelled or the socket is disposed.</summary>
    public async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _socket.AcceptAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.ConnectionAborted or SocketError.OperationAborted or SocketError.ConnectionReset)
            {
                continue;
            }
            catch (SocketException exception)
            {
                // Out of file descriptors, say: keep listening once the pressure may have eased, as MQTTnet does.
                _adapter.AcceptFailed(_localEndPoint, exception);
                try
                {
                    await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            _ = Task.Run(() => HandleAsync(client), CancellationToken.None);
        }
    }

    /// <inheritdoc />
    public void Dispose() => _socket.Dispose();

    private async Task HandleAsync(Socket client)
    {
        var remoteEndPoint = client.RemoteEndPoint;
        Stream? stream = null;
        try
        {
            client.NoDelay = _endpoint.NoDelay;
            if (_endpoint.LingerState is { } linger)
            {
                // Closing a refused connection resets it at once instead of lingering over the body still arriving.
                client.LingerState = linger;
            }

            stream = new NetworkStream(client, ownsSocket: true);
            var (secured, clientCertificate) = await SecureAsync(stream).ConfigureAwait(false);
            stream = secured;
            var guard = _adapter.Guard(stream, remoteEndPoint);
            stream = guard;
            using (var firstBytes = new CancellationTokenSource(_serverOptions.DefaultCommunicationTimeout))
            {
                if (!await guard.ReceiveFirstBytesAsync(firstBytes.Token).ConfigureAwait(false))
                {
                    throw new EndOfStreamException("The client closed the connection before sending CONNECT.");
                }
            }

            if (_adapter.ClientHandler is not { } handler)
            {
                return;
            }

            var channel = new SecureAwareChannel(
                new MqttTcpChannel(guard, _localEndPoint, remoteEndPoint, clientCertificate), secured is SslStream);
            var packetFormatter = new MqttPacketFormatterAdapter(new MqttBufferWriter(_serverOptions.WriterBufferSize, _serverOptions.WriterBufferSizeMax));
            using var channelAdapter = new MqttChannelAdapter(channel, packetFormatter, _adapter.MqttLogger);
            channelAdapter.AllowPacketFragmentation = _endpoint.AllowPacketFragmentation;
            await handler(channelAdapter).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            _adapter.ConnectionFailed(remoteEndPoint, exception);
        }
        finally
        {
            if (stream is not null)
            {
                await stream.DisposeAsync().ConfigureAwait(false);
            }

            client.Dispose();
        }
    }

    private async Task<(Stream Stream, X509Certificate2? ClientCertificate)> SecureAsync(Stream stream)
    {
        if (_endpoint is not MqttServerTlsTcpEndpointOptions tls || tls.CertificateProvider?.GetCertificate() is not { } certificate)
        {
            return (stream, null);
        }

        if (!certificate.HasPrivateKey)
        {
            throw new InvalidOperationException("The certificate for TLS encryption must contain the private key.");
        }

        var ssl = new SslStream(stream, leaveInnerStreamOpen: false, tls.RemoteCertificateValidationCallback);
        try
        {
            // A client that opens the socket and never finishes the handshake holds it no longer than one that never sends CONNECT.
            using var handshake = new CancellationTokenSource(_serverOptions.DefaultCommunicationTimeout);
            await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions
            {
                ServerCertificate = certificate,
                ClientCertificateRequired = tls.ClientCertificateRequired,
                EnabledSslProtocols = tls.SslProtocol,
                CertificateRevocationCheckMode = tls.CheckCertificateRevocation ? X509RevocationMode.Online : X509RevocationMode.NoCheck,
                EncryptionPolicy = EncryptionPolicy.RequireEncryption,
                CipherSuitesPolicy = tls.CipherSuitesPolicy,
            }, handshake.Token).ConfigureAwait(false);
        }
        catch
        {
            await ssl.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        var clientCertificate = ssl.RemoteCertificate switch
        {
            null => null,
            X509Certificate2 full => full,
            { } other => X509CertificateLoader.LoadCertificate(other.Export(X509ContentType.Cert)),
        };
        return (ssl, clientCertificate);
    }
}
