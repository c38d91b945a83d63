using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary>Checks <see cref="NodeOptions"/> at start-up so a bad file stops the node with a clear message.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    /// <summary>Largest simulated fleet in one process.</summary>
    public const int MaxSimulatedNodes = 999;

    private const string KeyRule = "a P-256 public key (DER SubjectPublicKeyInfo as base64url, base64, PEM or DER)";

    private const string IdRule = "must be 1–64 characters of a–z, 0–9 and '-', not starting with '-'";

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var simulation = options.Simulation ?? new SimulationOptions();

        if (!simulation.Enabled)
        {
            if (!Identifiers.IsValid(options.NodeId))
            {
                failures.Add(InvalidSetting.Describe("Node:NodeId", options.NodeId, IdRule));
            }

            if (options.Zones.Count == 0)
            {
                failures.Add(InvalidSetting.Describe("Node:Zones", null, "must name at least one zone"));
            }
        }

        failures.AddRange(FindAudioProblems(options.Audio ?? new NodeAudioOptions()));

        for (var i = 0; i < options.Zones.Count; i++)
        {
            if (!Identifiers.IsValid(options.Zones[i]))
            {
                failures.Add(InvalidSetting.Describe($"Node:Zones:{i}", options.Zones[i], IdRule));
            }
        }

        failures.AddRange(NodeAgentSettings.FindBrokerProblems(options.Brokers, "Node:Brokers"));
        _ = ReadBrokerCa(options, out var caProblem);
        if (caProblem is not null)
        {
            failures.Add(caProblem);
        }
        failures.AddRange(NodeAgentSettings.FindTimingProblems(
            options.Heartbeat, options.KeepAlive, options.ReconnectWindow, options.ReconnectBackoffCap, "Node:"));
        failures.AddRange(NodeAgentSettings.FindDurabilityProblems(
            options.FailbackProbeInterval, options.FailbackAfterHealthyProbes, options.OutboxCapacity, "Node:"));

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add(InvalidSetting.Describe("Node:DataDirectory", options.DataDirectory, "must be a folder path"));
        }

        failures.AddRange(FindSecurityProblems(options.Security ?? new NodeSecurityOptions()));
        var enrolment = options.Enrolment ?? new NodeEnrolmentOptions();
        failures.AddRange(NodeAgentSettings.FindEnrolmentProblems(
            string.IsNullOrWhiteSpace(enrolment.Token) ? null : enrolment.Token.Trim(), enrolment.WaitForApproval, "Node:"));

        if (!Enum.IsDefined(options.HealthSource))
        {
            failures.Add(InvalidSetting.Describe("Node:HealthSource", options.HealthSource, "must be Linux or Simulated"));
        }

        if (simulation.Enabled)
        {
            if (simulation.NodeCount is < 1 or > MaxSimulatedNodes)
            {
                failures.Add(InvalidSetting.Describe("Node:Simulation:NodeCount", simulation.NodeCount, $"must be 1–{MaxSimulatedNodes}"));
            }

            if (simulation.ZoneCount < 1)
            {
                failures.Add(InvalidSetting.Describe("Node:Simulation:ZoneCount", simulation.ZoneCount, "must be at least 1"));
            }

            if (!Identifiers.IsValid(simulation.IdPrefix + "-01") || simulation.IdPrefix.Length > Identifiers.MaxLength - 4)
            {
                failures.Add(InvalidSetting.Describe(
                    "Node:Simulation:IdPrefix", simulation.IdPrefix, "must be a valid id prefix (a–z, 0–9 and '-', not starting with '-'; at most 60 characters)"));
            }

            if (simulation.Stagger < TimeSpan.Zero)
            {
                failures.Add(InvalidSetting.Describe("Node:Simulation:Stagger", simulation.Stagger, "must not be negative"));
            }

            failures.AddRange(FindSimulatedClockProblems(simulation));
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>
    /// The simulated clocks' spreads must lie within what a simulated node clock accepts, or the fleet would fail node by
    /// node as it is built; the audio folder, when set, must be a path.
    /// </summary>
    private static IEnumerable<string> FindAudioProblems(NodeAudioOptions audio)
    {
        if (audio.Device is { } device && string.IsNullOrWhiteSpace(device))
        {
            yield return InvalidSetting.Describe("Node:Audio:Device", device, "must name an ALSA device (e.g. 'default' or 'hw:0'), or not be set for a node without audio");
        }

        if (audio.Latency < AlsaSinkOptions.MinLatency || audio.Latency > AlsaSinkOptions.MaxLatency)
        {
            yield return InvalidSetting.Describe(
                "Node:Audio:Latency", audio.Latency, $"must be between {InvalidSetting.Show(AlsaSinkOptions.MinLatency)} and {InvalidSetting.Show(AlsaSinkOptions.MaxLatency)}");
        }

        if (audio.Volume is < 0 or > 100)
        {
            yield return InvalidSetting.Describe("Node:Audio:Volume", audio.Volume, "must be 0–100");
        }

        if (audio.MaxVolume is < 0 or > 100)
        {
            yield return InvalidSetting.Describe("Node:Audio:MaxVolume", audio.MaxVolume, "must be 0–100");
        }
    }

    private static IEnumerable<string> FindSimulatedClockProblems(SimulationOptions simulation)
    {
        var maxOffset = SimulationOptions.MaxClockOffsetSpread;
        if (simulation.ClockOffsetSpread < TimeSpan.Zero || simulation.ClockOffsetSpread > maxOffset)
        {
            yield return InvalidSetting.Describe(
                "Node:Simulation:ClockOffsetSpread", simulation.ClockOffsetSpread, $"must be between 00:00:00 and {InvalidSetting.Show(maxOffset)}");
        }

        if (!double.IsFinite(simulation.ClockDriftSpreadPpm) || simulation.ClockDriftSpreadPpm < 0
            || simulation.ClockDriftSpreadPpm > SimulationOptions.MaxClockDriftSpreadPpm)
        {
            yield return InvalidSetting.Describe(
                "Node:Simulation:ClockDriftSpreadPpm", simulation.ClockDriftSpreadPpm,
                $"must be 0–{InvalidSetting.Show(SimulationOptions.MaxClockDriftSpreadPpm)} (ppm)");
        }

        if (simulation.AudioOutputFolder is { } folder && string.IsNullOrWhiteSpace(folder))
        {
            yield return InvalidSetting.Describe("Node:Simulation:AudioOutputFolder", folder, "must be a folder path, or not set to keep the audio in memory");
        }
    }

    /// <summary>The root key, from <see cref="NodeSecurityOptions.RootPublicKey"/> or the file; null when neither is set.</summary>
    /// <exception cref="InvalidOperationException">The key is set but unusable (validation at start reports this first).</exception>
    internal static byte[]? ReadRootKey(NodeSecurityOptions security)
    {
        var key = ReadRootKey(security, out var problem);
        return problem is null ? key : throw new InvalidOperationException(problem);
    }

    private static byte[]? ReadRootKey(NodeSecurityOptions security, out string? problem)
    {
        problem = null;
        if (!string.IsNullOrWhiteSpace(security.RootPublicKey))
        {
            var key = RootKey.Parse(security.RootPublicKey, out var parseProblem);
            problem = parseProblem is null ? null : InvalidSetting.Describe("Node:Security:RootPublicKey", Abbreviated(security.RootPublicKey), "must be " + KeyRule);
            return key;
        }

        if (!string.IsNullOrWhiteSpace(security.RootPublicKeyFile))
        {
            var key = RootKey.ReadFile(security.RootPublicKeyFile, out var fileProblem);
            problem = fileProblem is null
                ? null
                : InvalidSetting.Describe("Node:Security:RootPublicKeyFile", security.RootPublicKeyFile, fileProblem.StartsWith("cannot read", StringComparison.Ordinal)
                        ? $"must name a readable file ({fileProblem})"
                        : "must name a file holding " + KeyRule);
            return key;
        }

        return null;
    }

    /// <summary>The pinned broker CA (DER) from <see cref="NodeOptions.BrokerCaFile"/>; null when not set.</summary>
    /// <exception cref="InvalidOperationException">The file is set but unusable (validation at start reports this first).</exception>
    internal static byte[]? ReadBrokerCa(NodeOptions options)
    {
        var certificate = ReadBrokerCa(options, out var problem);
        return problem is null ? certificate : throw new InvalidOperationException(problem);
    }

    private static byte[]? ReadBrokerCa(NodeOptions options, out string? problem)
    {
        problem = null;
        if (string.IsNullOrWhiteSpace(options.BrokerCaFile))
        {
            if (options.Brokers.Any(broker => broker is { Tls: true }))
            {
                problem = InvalidSetting.Describe(
                    "Node:BrokerCaFile", options.BrokerCaFile,
                    "must name the broker CA certificate (broker-ca.pem from the Controller's data folder) when a broker has Tls: true");
            }

            return null;
        }

        var certificate = BrokerCa.ReadFile(options.BrokerCaFile, out var fileProblem);
        if (fileProblem is not null)
        {
            problem = InvalidSetting.Describe("Node:BrokerCaFile", options.BrokerCaFile, fileProblem.StartsWith("cannot read", StringComparison.Ordinal)
                ? $"must name a readable file ({fileProblem})"
                : $"must name a file holding the broker CA certificate ({fileProblem})");
        }

        return certificate;
    }

    /// <summary>A key pasted into a setting, shortened for the one line: enough to recognise it.</summary>
    private static string Abbreviated(string text) => text.Length <= 24 ? text : text[..24] + "…";

    private static IEnumerable<string> FindSecurityProblems(NodeSecurityOptions security)
    {
        if (!string.IsNullOrWhiteSpace(security.RootPublicKey) && !string.IsNullOrWhiteSpace(security.RootPublicKeyFile))
        {
            yield return InvalidSetting.Describe("Node:Security:RootPublicKeyFile", security.RootPublicKeyFile, "must not be set together with Node:Security:RootPublicKey (set one of them)");
            yield break;
        }

        _ = ReadRootKey(security, out var problem);
        if (problem is not null)
        {
            yield return problem;
        }
    }
}
