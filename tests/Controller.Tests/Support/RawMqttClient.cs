using System.Net;
using System.Net.Sockets;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>A TCP connection to the broker that sends bytes as given: for clients no MQTT library would be.</summary>
internal sealed class RawMqttClient : IDisposable
{
    private readonly Socket _socket = new(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };

    private RawMqttClient()
    {
    }

    public static async Task<RawMqttClient> ConnectAsync(int port)
    {
        var client = new RawMqttClient();
        await client._socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
        return client;
    }

    /// <summary>Sends <paramref name="bytes"/>; false when the broker has closed the connection.</summary>
    public async Task<bool> TrySendAsync(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            while (!bytes.IsEmpty)
            {
                var sent = await _socket.SendAsync(bytes);
                bytes = bytes[sent..];
            }

            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>Sends one byte at a time, so the broker sees the packet split over as many reads as TCP allows.</summary>
    public async Task SendBytewiseAsync(byte[] bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            Assert.True(await TrySendAsync(bytes.AsMemory(i, 1)));
        }
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes (a CONNACK is 4, a PUBACK 4).</summary>
    public async Task<byte[]> ReceiveAsync(int count)
    {
        var buffer = new byte[count];
        var total = 0;
        using var timeout = new CancellationTokenSource(ControllerHost.Timeout);
        while (total < count)
        {
            var read = await _socket.ReceiveAsync(buffer.AsMemory(total), timeout.Token);
            Assert.True(read > 0, $"the broker closed the connection after {total} of {count} bytes");
            total += read;
        }

        return buffer;
    }

    /// <summary>Completes when the broker has closed the connection (end of stream or reset), failing after the host's timeout.</summary>
    public async Task WaitClosedAsync()
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(ControllerHost.Timeout);
        try
        {
            while (await _socket.ReceiveAsync(buffer, timeout.Token) > 0)
            {
            }
        }
        catch (SocketException)
        {
        }
    }

    public void Dispose() => _socket.Dispose();
}
