using System.Net;
using System.Net.Sockets;

namespace SmartLoudspeaker.Node.Tests.Support;

/// <summary>A loopback TCP server that is not a broker, for the bad links a node must survive.</summary>
internal sealed class MisbehavingServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<TcpClient> _accepted = [];
    private readonly Lock _gate = new();
    private readonly Task _acceptLoop;
    private readonly bool _halfConnackThenReset;
    private readonly TaskCompletionSource _accepted1 = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _connections;

    private MisbehavingServer(bool halfConnackThenReset)
    {
        _halfConnackThenReset = halfConnackThenReset;
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _acceptLoop = AcceptAsync();
    }

    public int Port { get; }

    /// <summary>TCP connections accepted so far.</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Completes when the first connection has been accepted.</summary>
    public Task FirstConnection => _accepted1.Task;

    /// <summary>Accepts TCP and never answers the CONNECT.</summary>
    public static MisbehavingServer Silent() => new(halfConnackThenReset: false);

    /// <summary>Reads the CONNECT, sends the first byte of a CONNACK, then resets the connection.</summary>
    public static MisbehavingServer HalfConnackThenReset() => new(halfConnackThenReset: true);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _acceptLoop;
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
        }

        lock (_gate)
        {
            _accepted.ForEach(client => client.Dispose());
        }

        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            var client = await _listener.AcceptTcpClientAsync(_stop.Token);
            Interlocked.Increment(ref _connections);
            lock (_gate)
            {
                _accepted.Add(client);
            }

            _accepted1.TrySetResult();

            if (_halfConnackThenReset)
            {
                _ = AnswerHalfAndResetAsync(client);
            }
        }
    }

    private async Task AnswerHalfAndResetAsync(TcpClient client)
    {
        try
        {
            var stream = client.GetStream();
            var buffer = new byte[1024];
            _ = await stream.ReadAsync(buffer, _stop.Token);
            await stream.WriteAsync(new byte[] { 0x20 }, _stop.Token); // CONNACK's fixed header, without its length and body
            await stream.FlushAsync(_stop.Token);
            client.Client.LingerState = new LingerOption(true, 0);
            client.Close();
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
    }
}
