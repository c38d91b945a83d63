using Microsoft.Extensions.Options;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node;

/// <summary>Checks <see cref="NodeOptions"/> at start-up so a bad file stops the node with a clear message.</summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    /// <summary>Largest simulated fleet in one process.</summary>
    public const int MaxSimulatedNodes = 999;

    /// <inheritdoc />
    public ValidateOptionsResult Validate(string? name, NodeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var simulation = options.Simulation ?? new SimulationOptions();

        if (!simulation.Enabled)
        {
            if (string.IsNullOrWhiteSpace(options.NodeId))
            {
                failures.Add("Node:NodeId is required (1–64 characters of a–z, 0–9 and '-').");
            }
            else if (!Identifiers.IsValid(options.NodeId))
            {
                failures.Add($"Node:NodeId '{options.NodeId}' is not a valid id: use 1–64 characters of a–z, 0–9 and '-', not starting with '-'.");
            }

            if (options.Zones.Count == 0)
            {
                failures.Add("Node:Zones must name at least one zone.");
            }
        }

        foreach (var zone in options.Zones.Where(zone => !Identifiers.IsValid(zone)))
        {
            failures.Add($"Node:Zones entry '{zone}' is not a valid id: use 1–64 characters of a–z, 0–9 and '-'.");
        }

        failures.AddRange(NodeAgentSettings.FindBrokerProblems(options.Brokers, "Node:Brokers"));
        failures.AddRange(NodeAgentSettings.FindTimingProblems(
            options.Heartbeat, options.KeepAlive, options.ReconnectWindow, options.ReconnectBackoffCap, "Node:"));
        failures.AddRange(NodeAgentSettings.FindDurabilityProblems(
            options.FailbackProbeInterval, options.FailbackAfterHealthyProbes, options.OutboxCapacity, "Node:"));

        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            failures.Add("Node:DataDirectory is required.");
        }

        failures.AddRange(FindSecurityProblems(options.Security ?? new NodeSecurityOptions()));

        if (!Enum.IsDefined(options.HealthSource))
        {
            failures.Add("Node:HealthSource must be Linux or Simulated.");
        }

        if (simulation.Enabled)
        {
            if (simulation.NodeCount is < 1 or > MaxSimulatedNodes)
            {
                failures.Add($"Node:Simulation:NodeCount must be 1–{MaxSimulatedNodes}.");
            }

            if (simulation.ZoneCount < 1)
            {
                failures.Add("Node:Simulation:ZoneCount must be at least 1.");
            }

            if (!Identifiers.IsValid(simulation.IdPrefix + "-01") || simulation.IdPrefix.Length > Identifiers.MaxLength - 4)
            {
                failures.Add($"Node:Simulation:IdPrefix '{simulation.IdPrefix}' must be a valid id prefix (a–z, 0–9, '-'; at most 60 characters).");
            }

            if (simulation.Stagger < TimeSpan.Zero)
            {
                failures.Add("Node:Simulation:Stagger must not be negative.");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
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
            problem = parseProblem is null ? null : "Node:Security:RootPublicKey is " + parseProblem + ".";
            return key;
        }

        if (!string.IsNullOrWhiteSpace(security.RootPublicKeyFile))
        {
            var key = RootKey.ReadFile(security.RootPublicKeyFile, out var fileProblem);
            problem = fileProblem is null ? null : $"Node:Security:RootPublicKeyFile '{security.RootPublicKeyFile}': {fileProblem}.";
            return key;
        }

        return null;
    }

    private static IEnumerable<string> FindSecurityProblems(NodeSecurityOptions security)
    {
        if (!string.IsNullOrWhiteSpace(security.RootPublicKey) && !string.IsNullOrWhiteSpace(security.RootPublicKeyFile))
        {
            yield return "Node:Security: set RootPublicKey or RootPublicKeyFile, not both.";
            yield break;
        }

        _ = ReadRootKey(security, out var problem);
        if (problem is not null)
        {
            yield return problem;
        }
    }
}
