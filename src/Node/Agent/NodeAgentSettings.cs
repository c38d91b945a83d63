using System.Reflection;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node;

/// <summary>Everything one <see cref="NodeAgent"/> needs to know; immutable, checked by <see cref="Validate"/>.</summary>
public sealed record NodeAgentSettings
{
    /// <summary>Capabilities announced in the birth by this build.</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities = [Protocol.Capabilities.Health, Protocol.Capabilities.Events];

    /// <summary>Node id, also the MQTT client id.</summary>
    public required string NodeId { get; init; }

    /// <summary>Zones announced in the birth.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>Brokers in order of preference; a failed connect moves to the next one (wrapping).</summary>
    public required IReadOnlyList<BrokerEndpoint> Brokers { get; init; }

    /// <summary>Interval between health reports; whole seconds, 1 s – 1 h.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>MQTT keep-alive period.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>First reconnect delay ceiling (zero: reconnect at once, for tests).</summary>
    public TimeSpan ReconnectBackoffBase { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest reconnect delay ceiling.</summary>
    public TimeSpan ReconnectBackoffCap { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one connect attempt (TCP + CONNACK) and one acknowledged publish may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Capabilities announced in the birth.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = DefaultCapabilities;

    /// <summary>Software version announced in the birth.</summary>
    public string SoftwareVersion { get; init; } = DefaultSoftwareVersion;

    /// <summary>bdSeq of the first connect attempt (a restarted node should continue from its last one).</summary>
    public int InitialBdSeq { get; init; }

    /// <summary>Most unacknowledged events kept; the oldest is dropped beyond this.</summary>
    public int OutboxCapacity { get; init; } = 1000;

    /// <summary>Seed for the reconnect jitter; null for a random seed.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>The informational version of this assembly, e.g. "0.1.0+abc123".</summary>
    public static string DefaultSoftwareVersion { get; } =
        typeof(NodeAgentSettings).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(NodeAgentSettings).Assembly.GetName().Version?.ToString()
        ?? "0.0.0";

    /// <summary>Throws <see cref="ArgumentException"/> naming every problem.</summary>
    public void Validate()
    {
        var problems = new List<string>();
        if (!Identifiers.IsValid(NodeId))
        {
            problems.Add($"NodeId '{NodeId}' is not a valid id (1–64 characters of a–z, 0–9 and '-').");
        }

        if (Zones is null || Zones.Count == 0 || Zones.Any(zone => !Identifiers.IsValid(zone)))
        {
            problems.Add("Zones must hold at least one valid zone id.");
        }

        problems.AddRange(FindBrokerProblems(Brokers, nameof(Brokers)));
        problems.AddRange(FindTimingProblems(Heartbeat, KeepAlive, ReconnectBackoffBase, ReconnectBackoffCap, string.Empty, allowZeroBackoff: true));
        if (ConnectTimeout <= TimeSpan.Zero)
        {
            problems.Add("ConnectTimeout must be positive.");
        }

        if (Capabilities is null || Capabilities.Any(string.IsNullOrWhiteSpace))
        {
            problems.Add("Capabilities must not be blank.");
        }

        if (string.IsNullOrWhiteSpace(SoftwareVersion))
        {
            problems.Add("SoftwareVersion is required.");
        }

        if (InitialBdSeq is < 0 or > 255)
        {
            problems.Add("InitialBdSeq must be 0–255.");
        }

        if (OutboxCapacity < 1)
        {
            problems.Add("OutboxCapacity must be at least 1.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid node agent settings: " + string.Join(" ", problems));
        }
    }

    internal static IEnumerable<string> FindBrokerProblems(IEnumerable<BrokerEndpoint?>? brokers, string key)
    {
        var list = brokers?.ToList() ?? [];
        if (list.Count == 0)
        {
            yield return $"{key} must list at least one broker (Host and Port).";
            yield break;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var broker = list[i];
            if (broker is null || string.IsNullOrWhiteSpace(broker.Host))
            {
                yield return $"{key}:{i}:Host is required.";
            }

            if (broker is not null && broker.Port is < 1 or > 65535)
            {
                yield return $"{key}:{i}:Port {broker.Port} is not a TCP port (1–65535).";
            }
        }
    }

    internal static IEnumerable<string> FindTimingProblems(
        TimeSpan heartbeat, TimeSpan keepAlive, TimeSpan backoffBase, TimeSpan backoffCap, string prefix, bool allowZeroBackoff = false)
    {
        if (heartbeat < TimeSpan.FromSeconds(1) || heartbeat > TimeSpan.FromHours(1) || heartbeat.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return $"{prefix}Heartbeat must be whole seconds between 00:00:01 and 01:00:00 (was {heartbeat}).";
        }

        if (keepAlive < TimeSpan.FromSeconds(1) || keepAlive > TimeSpan.FromSeconds(ushort.MaxValue))
        {
            yield return $"{prefix}KeepAlive must be between 00:00:01 and 18:12:15 (was {keepAlive}).";
        }

        if (backoffBase < TimeSpan.Zero || (!allowZeroBackoff && backoffBase == TimeSpan.Zero))
        {
            yield return $"{prefix}ReconnectBackoffBase must be positive (was {backoffBase}).";
        }

        if (backoffCap < backoffBase || backoffCap > TimeSpan.FromHours(1))
        {
            yield return $"{prefix}ReconnectBackoffCap must be at least ReconnectBackoffBase and at most 01:00:00 (was {backoffCap}).";
        }
    }
}
