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
                "--Logging:LogLevel:SmartLoudspeaker.Controller.Mqtt=Information",
            ],
            environment);

    /// <summary>Waits until the Controller has connected to its broker and serves HTTP; fails if it exits first.</summary>
    public static Task WaitUntilReadyAsync(this ProgramProcess controller, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(controller);
        return Task.WhenAll(ReadyLines.Select(line => controller.WaitForOutputAsync(line, timeout)));
    }
}
