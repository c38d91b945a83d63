using System.Diagnostics;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>Runs Debian's <c>mosquitto_pub</c> / <c>mosquitto_sub</c> as an attacker or a technician would.</summary>
internal static class MqttTool
{
    /// <summary>Runs <paramref name="program"/> to its end (at most 20 s) and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, string Errors)> RunAsync(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await output, await errors);
    }

    /// <summary>The common arguments: broker, port and, when given, username and password.</summary>
    public static string[] Connection(int port, string? username = null, string? password = null)
    {
        var arguments = new List<string> { "-h", "127.0.0.1", "-p", port.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        if (username is not null)
        {
            arguments.AddRange(["-u", username]);
        }

        if (password is not null)
        {
            arguments.AddRange(["-P", password]);
        }

        return [.. arguments];
    }
}
