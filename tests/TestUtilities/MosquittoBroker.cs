using System.Diagnostics;
using System.Net.Sockets;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// A real Mosquitto broker (Debian package <c>mosquitto</c>) started by the test on a free loopback port, with a
/// configuration of its own in a temporary folder, so the system's Mosquitto service (if any) is not involved.
/// </summary>
public sealed class MosquittoBroker : IAsyncDisposable
{
    private const string Executable = "/usr/sbin/mosquitto";
    private readonly Process process;
    private readonly string? folder;

    private MosquittoBroker(Process process, string? folder, int port)
    {
        this.process = process;
        this.folder = folder;
        Port = port;
    }

    /// <summary>The loopback port Mosquitto listens on.</summary>
    public int Port { get; }

    /// <summary>Mosquitto's process id (to send it SIGHUP, which makes it reload its password and ACL files).</summary>
    public int ProcessId => process.Id;

    /// <summary>Starts an anonymous Mosquitto on a free loopback port and waits until it accepts connections.</summary>
    public static async Task<MosquittoBroker> StartAsync()
    {
        var folder = Directory.CreateTempSubdirectory("mosquitto-").FullName;
        var port = FreePort.Next();
        var configuration = Path.Combine(folder, "mosquitto.conf");
        await File.WriteAllTextAsync(configuration, $"""
            listener {port} 127.0.0.1
            allow_anonymous true
            persistence false
            log_dest stdout
            log_type error
            log_type warning
            """);

        return await StartProcessAsync(configuration, port, folder);
    }

    /// <summary>
    /// Starts Mosquitto with a configuration written by someone else (the Controller's generated files), listening on
    /// <paramref name="port"/> as that configuration says; the configuration's folder is left in place on dispose.
    /// </summary>
    public static Task<MosquittoBroker> StartAsync(string configurationFile, int port) => StartProcessAsync(configurationFile, port, null);

    private static async Task<MosquittoBroker> StartProcessAsync(string configuration, int port, string? folder)
    {
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException(
                $"{Executable} is missing: install the Debian package 'mosquitto' (scripts/test.sh does this).");
        }

        var process = Process.Start(new ProcessStartInfo(Executable, ["-c", configuration])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        }) ?? throw new InvalidOperationException("Mosquitto did not start.");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var broker = new MosquittoBroker(process, folder, port);
        await broker.WaitUntilListeningAsync(TimeSpan.FromSeconds(15));
        return broker;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        process.Dispose();
        if (folder is not null)
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    private async Task WaitUntilListeningAsync(TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Mosquitto exited with code {process.ExitCode} (port {Port} taken?).");
            }

            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync("127.0.0.1", Port);
                return;
            }
            catch (SocketException) when (DateTimeOffset.UtcNow < deadline)
            {
                // Mosquitto is still starting; polling a port is the only readiness signal it offers.
                await Task.Delay(TimeSpan.FromMilliseconds(50));
            }
        }
    }
}
