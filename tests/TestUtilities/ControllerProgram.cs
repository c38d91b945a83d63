using System.Globalization;
using System.Text.RegularExpressions;

namespace SmartLoudspeaker.TestUtilities;

/// <summary>The built Controller run as a real process, and the moment it is ready for a test.</summary>
public static class ControllerProgram
{
    /// <summary>The lines that say the Controller is ready: its MQTT client connected, and the web host started.</summary>
    private static readonly string[] ReadyLines = ["Connected to the MQTT broker", "Application started"];

    /// <summary>
    /// Starts the Controller with <paramref name="arguments"/>. The two readiness lines are logged at Information
    /// whatever log level the test chose, so <see cref="WaitUntilReadyAsync"/> can wait for them.
    /// </summary>
    public static ProgramProcess Start(IEnumerable<string> arguments, IDictionary<string, string>? environment = null) =>
        ProgramProcess.Start(
            RepositoryPaths.ProgramAssembly("Controller", "SmartLoudspeaker.Controller"),
            [
                .. arguments,
                "--Logging:LogLevel:Microsoft.Hosting.Lifetime=Information",
                "--Logging:LogLevel:SmartLoudspeaker.Controller.Infrastructure.Mqtt=Information",
            ],
            environment);

    /// <summary>
    /// Arguments that let the Controller's HTTP server and embedded broker bind free ports of the OS's choosing
    /// (port 0) on loopback; <see cref="WaitForBoundPortsAsync"/> reads which. Nothing is reserved ahead, so no
    /// other test can take a port between a reservation and the start, or between a kill and the next start.
    /// </summary>
    public static IReadOnlyList<string> AnyFreePorts { get; } = ["--Urls=http://127.0.0.1:0", "--Broker:Port=0", "--Broker:Tls:Port=0", "--Broker:BindAddress=127.0.0.1"];

    /// <summary>
    /// Waits until the Controller is ready (<see cref="WaitUntilReadyAsync"/>) and returns the ports it bound, read
    /// from its own log lines: Kestrel's "Now listening on: http://127.0.0.1:{port}" and the Controller's
    /// "Connected to the MQTT broker at {host}:{port}" (the embedded broker's bound port).
    /// </summary>
    public static async Task<ControllerPorts> WaitForBoundPortsAsync(this ProgramProcess controller, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(controller);
        var http = await controller.WaitForLineAsync("Now listening on: http://", timeout);
        var mqtt = await controller.WaitForLineAsync("Connected to the MQTT broker at ", timeout);
        await controller.WaitUntilReadyAsync(timeout);
        return new ControllerPorts(PortIn(http, @"Now listening on: http://[^\s]+:(\d+)"), PortIn(mqtt, @"Connected to the MQTT broker at [^\s]+:(\d+)"));
    }

    /// <summary>Waits until the Controller has connected to its broker and serves HTTP; fails if it exits first.</summary>
    public static Task WaitUntilReadyAsync(this ProgramProcess controller, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return Task.WhenAll(ReadyLines.Select(line => controller.WaitForOutputAsync(line, timeout)));
    }

    private static int PortIn(string line, string pattern)
    {
        var match = Regex.Match(line, pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        return match.Success
            ? int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture)
            : throw new InvalidOperationException($"No port in the Controller's line: {line}");
    }
}
