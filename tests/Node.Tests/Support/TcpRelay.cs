using System.Net;
using System.Net.Sockets;

namespace SmartLoudspeaker.Node.Tests.Support;

/// <summary>
/// A loopback TCP relay in front of a broker: <see cref="KillConnections"/> cuts every link abruptly (RST),
/// <see cref="Refuse"/> closes the port (connects are refused, as by a host whose broker is down) until
/// <see cref="Accept"/>, and <see cref="CutMidNextDownstreamPacket"/> delivers half of the broker's next chunk, then resets.
/// </summary>
internal sealed class TcpRelay : IAsyncDisposable
{
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<(TcpClient Inbound, TcpClient Outbound)> _links = [];
    private readonly List<Task> _acceptLoops = [];
    private TcpListener? _listener;
    private bool _cutMidNextDownstream;

    public TcpRelay(int targetPort)
    {
        _targetPort = targetPort;
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        Listen(listener);
    }

    public int Port { get; }

    /// <summary>Resets every open link; new connections are still accepted (unless refused).</summary>
    public void KillConnections()
    {
        lock (_gate)
        {
            foreach (var (inbound, outbound) in _links)
            {
                Reset(inbound);
                Reset(outbound);
            }

            _links.Clear();
        }
    }

    /// <summary>Closes the listening port: new connects are refused; open links are left alone.</summary>
    public void Refuse()
    {
        lock (_gate)
        {
            _listener?.Stop();
            _listener = null;
        }
    }

    /// <summary>Listens again on the same port (nothing to do if it already does).</summary>
    public void Accept()
    {
        lock (_gate)
        {
            if (_listener is not null)
            {
                return;
            }
        }

        var listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Listen(listener);
    }

    /// <summary>The next chunk the broker sends on any link is delivered only half, then that link is reset.</summary>
    public void CutMidNextDownstreamPacket()
    {
        lock (_gate)
        {
            _cutMidNextDownstream = true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Refuse();
        KillConnections();
        Task[] loops;
        lock (_gate)
        {
            loops = [.. _acceptLoops];
        }

        await Task.WhenAll(loops);
        _stop.Dispose();
    }

    private static void Reset(TcpClient client)
    {
        try
        {
            // Null once the other pump has closed it.
            if (client.Client is { } socket)
            {
                socket.LingerState = new LingerOption(true, 0);
            }

            client.Close();
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
        }
    }

    private void Listen(TcpListener listener)
    {
        lock (_gate)
        {
            _listener = listener;
            _acceptLoops.Add(AcceptAsync(listener));
        }
    }

    private async Task AcceptAsync(TcpListener listener)
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException or InvalidOperationException)
            {
                // Refused or disposed (InvalidOperationException: stopped between two accepts): this listener is done.
                return;
            }

            var outbound = new TcpClient();
            try
            {
                await outbound.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException)
            {
                Reset(inbound);
                outbound.Dispose();
                continue;
            }

            lock (_gate)
            {
                _links.Add((inbound, outbound));
            }

            _ = PumpAsync(inbound, outbound, downstream: false);
            _ = PumpAsync(outbound, inbound, downstream: true);
        }
    }

    private async Task PumpAsync(TcpClient from, TcpClient to, bool downstream)
    {
        var buffer = new byte[16 * 1024];
        try
        {
            var source = from.GetStream();
            var target = to.GetStream();
            while (true)
            {
                var read = await source.ReadAsync(buffer);
                if (read == 0)
                {
                    break;
                }

                if (downstream && TakeCut())
                {
                    await target.WriteAsync(buffer.AsMemory(0, Math.Max(1, read / 2)));
                    await target.FlushAsync();
                    break;
                }

                await target.WriteAsync(buffer.AsMemory(0, read));
            }
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException or InvalidOperationException)
        {
        }

        Reset(from);
        Reset(to);
    }

    private bool TakeCut()
    {
        lock (_gate)
        {
            var cut = _cutMidNextDownstream;
            _cutMidNextDownstream = false;
            return cut;
        }
    }
}
