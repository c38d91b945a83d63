using System.Diagnostics;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>One run of a built program to its end, with what it wrote on stdout and on stderr kept apart.</summary>
/// <param name="ExitCode">The process's exit code.</param>
/// <param name="StandardOutput">Everything written on stdout.</param>
/// <param name="StandardError">Everything written on stderr.</param>
public sealed record ProgramRun(int ExitCode, string StandardOutput, string StandardError)
{
    /// <summary>
    /// Runs <c>dotnet {assembly} {arguments}</c> until it exits by itself; kills it and fails after
    /// <paramref name="timeout"/> (a generous bound: a program that should stop at once must not run on).
    /// </summary>
    public static async Task<ProgramRun> RunToExitAsync(
        string assembly, IEnumerable<string> arguments, IDictionary<string, string>? environment, TimeSpan timeout)
    {
        var start = ProgramStart.For(assembly, arguments, environment);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{assembly} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Path.GetFileName(assembly)} was still running after {timeout}; output so far: {await output}{await error}");
        }

        return new ProgramRun(process.ExitCode, await output, await error);
    }
}
