using System.Net;
using System.Net.Sockets;

namespace SmartLoudspeaker.TestUtilities.Tests;

/// <summary>Client-side socket helpers with bounded waits.</summary>
internal static class Wire
{
    public static async Task<TcpClient> ConnectAsync(int port)
    {
        var client = new TcpClient { NoDelay = true };
        await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Limits.Prompt);
        return client;
    }

    public static async Task<byte[]> ReadExactlyAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Limits.Prompt);
        return buffer;
    }

    /// <summary>Reads until the stream fails and returns what came before, with the failure.</summary>
    public static async Task<(byte[] Received, Exception? Failure)> ReadUntilFailureAsync(Stream stream)
    {
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer).AsTask().WaitAsync(Limits.Prompt)) > 0)
            {
                received.Write(buffer, 0, read);
            }

            return (received.ToArray(), null);
        }
        catch (IOException exception)
        {
            return (received.ToArray(), exception);
        }
    }

    /// <summary>Whether <paramref name="exception"/> is what a TCP reset looks like from .NET.</summary>
    public static bool IsReset(Exception? exception) => exception switch
    {
        SocketException { SocketErrorCode: SocketError.ConnectionReset } => true,
        IOException { InnerException: var inner } => IsReset(inner),
        _ => false,
    };

    /// <summary>
    /// Connects and expects a reset. The reset may come so soon after the handshake that the connect itself
    /// reports it, which is the same observation.
    /// </summary>
    public static async Task AssertRefusedAsync(int port)
    {
        using var client = new TcpClient { NoDelay = true };
        var failure = await Record.ExceptionAsync(() => client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(Limits.Prompt));
        if (failure is null)
        {
            await AssertResetAsync(client.GetStream());
            return;
        }

        Assert.True(IsReset(failure), $"expected a connection reset, got {failure}");
    }

    /// <summary>Reads once and expects the connection reset.</summary>
    public static async Task AssertResetAsync(Stream stream)
    {
        var (_, failure) = await ReadUntilFailureAsync(stream);
        Assert.True(IsReset(failure), $"expected a connection reset, got {failure?.ToString() ?? "an orderly close"}");
    }
}
