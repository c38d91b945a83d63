using System.Net;
using System.Net.Sockets;
using System.Threading.Channels;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>A plain TCP server on loopback for byte-level proxy tests: echoes, or hands each connection to the test.</summary>
internal sealed class TestTcpServer : IAsyncDisposable
{
    private readonly TcpListener listener = new(IPAddress.Loopback, 0);
    private readonly Channel<TestServerConnection> accepted = Channel.CreateUnbounded<TestServerConnection>();
    private readonly List<TcpClient> clients = [];
    private readonly bool echo;
    private readonly Task acceptLoop;
    private int acceptedCount;

    private TestTcpServer(bool echo)
    {
        this.echo = echo;
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;

        // Off xunit's synchronization context, like a server on another machine: its pace is not the test's.
        acceptLoop = Task.Run(AcceptLoopAsync);
    }

    public int Port { get; }

    public int AcceptedCount => Volatile.Read(ref acceptedCount);

    public static TestTcpServer StartEcho() => new(echo: true);

    public static TestTcpServer StartSilent() => new(echo: false);

    /// <summary>The next connection the server accepted, in order.</summary>
    public async Task<TestServerConnection> AcceptAsync() =>
        await accepted.Reader.ReadAsync().AsTask().WaitAsync(Limits.Prompt);

    public async ValueTask DisposeAsync()
    {
        listener.Stop();
        await acceptLoop;
        lock (clients)
        {
            clients.ForEach(client => client.Dispose());
        }
    }

    private async Task AcceptLoopAsync()
    {
        while (true)
        {
            TcpClient client;
            try
            {
                client = await listener.AcceptTcpClientAsync();
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                // Stop() ends the loop.
                return;
            }

            client.NoDelay = true;
            lock (clients)
            {
                clients.Add(client);
            }

            Interlocked.Increment(ref acceptedCount);
            accepted.Writer.TryWrite(new TestServerConnection(client, echo));
        }
    }
}
