using System.Net.Sockets;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>The server's end of one connection accepted by a <see cref="TestTcpServer"/>.</summary>
internal sealed class TestServerConnection(TcpClient client, bool echo)
{
    public NetworkStream Stream { get; } = client.GetStream();

    /// <summary>
    /// For an echo server: completes when the echo loop ends, with the exception that ended it (a reset) or
    /// <c>null</c> for an orderly close. For a silent server the test reads <see cref="Stream"/> itself.
    /// </summary>
    public Task<Exception?> Ended { get; } = echo ? EchoAsync(client) : Task.FromResult<Exception?>(null);

    private static async Task<Exception?> EchoAsync(TcpClient client)
    {
        var stream = client.GetStream();
        var buffer = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer)) > 0)
            {
                await stream.WriteAsync(buffer.AsMemory(0, read));
            }

            return null;
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            return exception;
        }
        finally
        {
            client.Dispose();
        }
    }
}
