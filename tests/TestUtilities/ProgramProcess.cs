using System.Collections.Concurrent;
using System.Diagnostics;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>
/// One of our programs (the Controller, a node fleet) running as a real process, as in production: tests can
/// stop it politely (SIGTERM) or kill it (SIGKILL) at any moment. Its output is kept for failure messages.
/// </summary>
public sealed class ProgramProcess : IAsyncDisposable
{
    private readonly Process process;
    private readonly ConcurrentQueue<string> output = new();
    private readonly List<(string Fragment, TaskCompletionSource<string> Seen)> waiters = [];
    private readonly Lock gate = new();

    private ProgramProcess(Process process)
    {
        this.process = process;
        process.EnableRaisingEvents = true;
        process.Exited += (_, _) => FailWaiters();
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>The process id.</summary>
    public int Id => process.Id;

    /// <summary>True once the process has ended.</summary>
    public bool HasExited => process.HasExited;

    /// <summary>The exit code, once ended.</summary>
    public int ExitCode => process.ExitCode;

    /// <summary>The last lines the program wrote (stdout and stderr together).</summary>
    public string RecentOutput => string.Join(Environment.NewLine, output);

    /// <summary>
    /// Completes when the program writes a line containing <paramref name="fragment"/> (or already has); fails if the
    /// program exits first or <paramref name="timeout"/> passes. Readiness comes from the program's own words, not polling.
    /// </summary>
    public Task WaitForOutputAsync(string fragment, TimeSpan timeout) => WaitForLineAsync(fragment, timeout);

    /// <summary>
    /// The first line the program wrote (or writes) containing <paramref name="fragment"/>, e.g. the one naming a port
    /// it bound; fails like <see cref="WaitForOutputAsync"/>.
    /// </summary>
    public Task<string> WaitForLineAsync(string fragment, TimeSpan timeout)
    {
        lock (gate)
        {
            if (output.FirstOrDefault(line => line.Contains(fragment, StringComparison.Ordinal)) is { } seenBefore)
            {
                return Task.FromResult(seenBefore);
            }

            if (process.HasExited)
            {
                return Task.FromException<string>(Exited());
            }

            var seen = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            waiters.Add((fragment, seen));
            return seen.Task.WaitAsync(timeout);
        }
    }

    /// <summary>Starts <c>dotnet {assembly} {arguments}</c> with its folder as working directory.</summary>
    public static ProgramProcess Start(string assembly, IEnumerable<string> arguments, IDictionary<string, string>? environment = null)
    {
        var start = ProgramStart.For(assembly, arguments, environment);
        return new ProgramProcess(Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start."));
    }

    /// <summary>SIGKILL: the process ends at once, with no chance to flush or say goodbye (a power cut, as far as it can tell).</summary>
    public async Task KillAsync()
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
    }

    /// <summary>SIGTERM, then waits for a clean exit (a systemd stop).</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (!process.HasExited)
        {
            using var terminate = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            await terminate.WaitForExitAsync();
        }

        await process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>Waits for the process to end by itself.</summary>
    public Task WaitForExitAsync(TimeSpan timeout) => process.WaitForExitAsync().WaitAsync(timeout);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await KillAsync();
        process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (gate)
        {
            output.Enqueue(line);
            while (output.Count > 400)
            {
                output.TryDequeue(out _);
            }

            foreach (var waiter in waiters.Where(waiter => line.Contains(waiter.Fragment, StringComparison.Ordinal)).ToList())
            {
                waiters.Remove(waiter);
                waiter.Seen.TrySetResult(line);
            }
        }
    }

    private void FailWaiters()
    {
        lock (gate)
        {
            foreach (var waiter in waiters)
            {
                waiter.Seen.TrySetException(Exited());
            }

            waiters.Clear();
        }
    }

    private InvalidOperationException Exited() =>
        new($"The program exited with {process.ExitCode} while a test waited for it:{Environment.NewLine}{RecentOutput}");
}
