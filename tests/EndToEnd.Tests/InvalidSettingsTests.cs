using SmartLoudspeaker.Controller;
using SmartLoudspeaker.Node;
using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>
/// The built programs, started as an operator starts them, with one invalid setting each: they end at once with their
/// documented exit code and exactly one line on stderr naming the setting, its value and what is allowed — no stack trace.
/// </summary>
public sealed class InvalidSettingsTests : IDisposable
{
    private static readonly TimeSpan Generous = TimeSpan.FromSeconds(90);

    private readonly string folder = Directory.CreateTempSubdirectory("sl-invalid-settings-").FullName;

    [Theory]
    [InlineData("--Node:Simulation:Enabled=true|--Node:Simulation:NodeCount=1000", "Invalid setting Node:Simulation:NodeCount = 1000: must be 1–999.")]
    [InlineData("--Node:Simulation:NodeCount=many", "Invalid setting Node:Simulation:NodeCount = \"many\": must be a whole number.")]
    [InlineData("--Node:Heartbeat=00:00:00", "Invalid setting Node:Heartbeat = 00:00:00: must be whole seconds between 00:00:01 and 00:05:00.")]
    [InlineData("--Node:HealthSource=Solar", "Invalid setting Node:HealthSource = \"Solar\": must be one of Linux, Simulated.")]
    [InlineData("--Node:Brokers:0:Port=70000", "Invalid setting Node:Brokers:0:Port = 70000: must be a TCP port (1–65535).")]
    public async Task The_node_stops_with_one_line_and_its_invalid_setting_code(string arguments, string line)
    {
        var run = await ProgramRun.RunToExitAsync(
            RepositoryPaths.ProgramAssembly("Node", "SmartLoudspeaker.Node"),
            [$"--Node:DataDirectory={Path.Combine(folder, "node")}", .. arguments.Split('|')],
            new Dictionary<string, string> { [SiteConfiguration.PathVariable] = Path.Combine(folder, "no-site-file.json") },
            Generous);

        AssertOneLine(run, NodeExitCodes.InvalidSetting, line);
    }

    [Theory]
    [InlineData("--Fleet:SweepInterval=00:00:00", "Invalid setting Fleet:SweepInterval = 00:00:00: must be between 00:00:00.010 and 00:10:00.")]
    [InlineData("--Fleet:MaxHeartbeat=01:00:00", "Invalid setting Fleet:MaxHeartbeat = 01:00:00: must be whole seconds between 00:00:10 and 00:05:00.")]
    [InlineData("--Broker:BindAddress=everywhere", "Invalid setting Broker:BindAddress = \"everywhere\": must be an IP address such as 0.0.0.0 or 127.0.0.1.")]
    [InlineData("--Broker:Mode=Cloud", "Invalid setting Broker:Mode = \"Cloud\": must be one of Embedded, External.")]
    [InlineData("--Store:MaxBatch=lots", "Invalid setting Store:MaxBatch = \"lots\": must be a whole number.")]
    [InlineData("--Security:CommandLifetime=2.00:00:00", "Invalid setting Security:CommandLifetime = 2.00:00:00: must be more than 00:00:00 and at most 1.00:00:00.")]
    [InlineData("--Web:TimeZone=Mars/Olympus", "Invalid setting Web:TimeZone = \"Mars/Olympus\": must be a time zone known to this machine, e.g. Asia/Ho_Chi_Minh (is tzdata installed?).")]
    [InlineData("--Exposure:Https:CertificateFile=/nonexistent/web.pem|--Exposure:Https:KeyFile=/nonexistent/web.key", "Invalid setting Exposure:Https:CertificateFile = \"/nonexistent/web.pem\": must be a readable PEM certificate whose private key is in Exposure:Https:KeyFile (/nonexistent/web.key).")]
    [InlineData("--Urls=http://0.0.0.0:5080", "Invalid setting Urls = \"http://0.0.0.0:5080\": listens beyond this machine with plain HTTP: add an https:// address (e.g. https://0.0.0.0:5443) or, when a reverse proxy terminates TLS, set Exposure:ReverseProxy:Enabled = true (docs/operations.md).")]
    public async Task The_controller_stops_with_one_line_and_its_invalid_setting_code(string arguments, string line)
    {
        var run = await ProgramRun.RunToExitAsync(
            RepositoryPaths.ProgramAssembly("Controller", "SmartLoudspeaker.Controller"),
            [$"--Store:DataDirectory={Path.Combine(folder, "controller")}", "--Broker:Port=0", "--Urls=http://127.0.0.1:0", .. arguments.Split('|')],
            environment: null,
            Generous);

        AssertOneLine(run, ControllerExitCodes.InvalidSetting, line);
    }

    [Fact]
    public async Task The_controller_names_a_key_setting_whose_file_holds_no_key()
    {
        var rootFile = Path.Combine(folder, "root.pub");
        await File.WriteAllTextAsync(rootFile, "not a key");

        var run = await ProgramRun.RunToExitAsync(
            RepositoryPaths.ProgramAssembly("Controller", "SmartLoudspeaker.Controller"),
            [$"--Store:DataDirectory={Path.Combine(folder, "controller")}", "--Broker:Port=0", "--Urls=http://127.0.0.1:0", $"--Security:RootPublicKeyFile={rootFile}"],
            environment: null,
            Generous);

        AssertOneLine(
            run,
            ControllerExitCodes.InvalidSetting,
            $"Invalid setting Security:RootPublicKeyFile = \"{rootFile}\": must name a file holding a P-256 public key (PEM, base64url or DER) "
            + $"({rootFile} is not a P-256 public key (base64url or DER SubjectPublicKeyInfo, or PEM)).");
    }

    [Fact]
    public async Task The_node_stops_with_one_line_naming_a_damaged_key_file_and_leaves_it_as_it_was()
    {
        var data = Path.Combine(folder, "node");
        Directory.CreateDirectory(data);
        var keyFile = Path.Combine(data, "node-key.pem");
        await File.WriteAllTextAsync(keyFile, "not a key");

        var run = await RunNodeAsync(data, []);

        var everything = $"exit {run.ExitCode}\nstdout:\n{run.StandardOutput}\nstderr:\n{run.StandardError}";
        Assert.True(run.ExitCode == NodeExitCodes.IdentityUnreadable, everything);
        Assert.True(run.StandardError.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length == 1, everything);
        Assert.Contains(keyFile, run.StandardError, StringComparison.Ordinal);
        Assert.Equal("not a key", await File.ReadAllTextAsync(keyFile));
    }

    [Fact]
    public async Task The_fingerprint_command_prints_the_same_fingerprint_every_time()
    {
        var data = Path.Combine(folder, "node");

        var first = await RunNodeAsync(data, ["fingerprint"]);
        var second = await RunNodeAsync(data, ["fingerprint"]);

        Assert.True(first.ExitCode == 0, first.StandardError);
        Assert.Matches("^node-01 ([0-9a-f]{4} ){7}[0-9a-f]{4}$", first.StandardOutput.Trim());
        Assert.Equal(first.StandardOutput, second.StandardOutput);
    }

    [Theory]
    [InlineData("smartloudspeaker-node.service", NodeExitCodes.IdentityUnreadable)]
    [InlineData("smartloudspeaker-node.service", NodeExitCodes.InvalidSetting)]
    [InlineData("smartloudspeaker-controller.service", ControllerExitCodes.InvalidSetting)]
    public void The_systemd_unit_does_not_restart_in_a_loop_on_an_invalid_setting(string unit, int code)
    {
        var lines = File.ReadAllLines(Path.Combine(RepositoryPaths.Root, "hardware", "systemd", unit));

        var preventing = lines.Where(line => line.StartsWith("RestartPreventExitStatus=", StringComparison.Ordinal))
            .SelectMany(line => line["RestartPreventExitStatus=".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(code.ToString(System.Globalization.CultureInfo.InvariantCulture), preventing);
    }

    public void Dispose() => Directory.Delete(folder, recursive: true);

    private Task<ProgramRun> RunNodeAsync(string data, string[] arguments) =>
        ProgramRun.RunToExitAsync(
            RepositoryPaths.ProgramAssembly("Node", "SmartLoudspeaker.Node"),
            [.. arguments, $"--Node:DataDirectory={data}"],
            new Dictionary<string, string> { [SiteConfiguration.PathVariable] = Path.Combine(folder, "no-site-file.json") },
            Generous);

    private static void AssertOneLine(ProgramRun run, int exitCode, string line)
    {
        var everything = $"exit {run.ExitCode}\nstdout:\n{run.StandardOutput}\nstderr:\n{run.StandardError}";
        Assert.True(run.ExitCode == exitCode, everything);
        Assert.True(run.StandardError == line + Environment.NewLine, everything);
        Assert.DoesNotContain("Exception", run.StandardOutput + run.StandardError, StringComparison.Ordinal);
    }
}
