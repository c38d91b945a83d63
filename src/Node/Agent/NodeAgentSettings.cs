using System.Reflection;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Agent;

/// <summary>Everything one <see cref="NodeAgent"/> needs to know; immutable, checked by <see cref="Validate"/>.</summary>
public sealed record NodeAgentSettings
{
    /// <summary>Largest outbox: at ~250 bytes a line, 100,000 events are 25 MB of journal on the SD card.</summary>
    public const int MaxOutboxCapacity = 100_000;

    /// <summary>Capabilities announced in the birth by this build.</summary>
    public static readonly IReadOnlyList<string> DefaultCapabilities = [Protocol.Capabilities.Health, Protocol.Capabilities.Events];

    /// <summary>Node id, also the MQTT client id.</summary>
    public required string NodeId { get; init; }

    /// <summary>Zones announced in the birth.</summary>
    public required IReadOnlyList<string> Zones { get; init; }

    /// <summary>
    /// Brokers in order of preference; a failed or refused connect moves to the next one (wrapping). The first is the
    /// primary: while on another, the node probes it and returns when it has stayed reachable.
    /// </summary>
    public required IReadOnlyList<BrokerEndpoint> Brokers { get; init; }

    /// <summary>Interval between health reports; whole seconds, 1 s – 1 h.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>MQTT keep-alive period.</summary>
    public TimeSpan KeepAlive { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The reconnect window W: the first retry after a loss (or a failed first connect) is uniformly random in [0, W),
    /// and later retries are at least W apart (see <see cref="Messaging.ReconnectBackoff"/>). Zero: reconnect at once, for tests.
    /// </summary>
    public TimeSpan ReconnectWindow { get; init; } = DefaultReconnectWindow;

    /// <summary>Largest gap between two retries.</summary>
    public TimeSpan ReconnectBackoffCap { get; init; } = DefaultReconnectCap;

    /// <summary>While on a broker other than the first, how often the first is probed (±20 % jitter).</summary>
    public TimeSpan FailbackProbeInterval { get; init; } = DefaultFailbackProbeInterval;

    /// <summary>Consecutive successful probes of the first broker before the node moves back to it.</summary>
    public int FailbackAfterHealthyProbes { get; init; } = DefaultFailbackAfterHealthyProbes;

    /// <summary>
    /// Folder for the event outbox journal and the bdSeq file; null keeps both in memory only (tests, load runs).
    /// </summary>
    public string? DataDirectory { get; init; }

    /// <summary>How long one connect attempt (TCP + CONNACK) and one acknowledged publish may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Capabilities announced in the birth.</summary>
    public IReadOnlyList<string> Capabilities { get; init; } = DefaultCapabilities;

    /// <summary>Software version announced in the birth.</summary>
    public string SoftwareVersion { get; init; } = DefaultSoftwareVersion;

    /// <summary>
    /// bdSeq of the first connect attempt when <see cref="DataDirectory"/> holds none; a stored one is continued
    /// (one past it), so a restarted node never reuses a session number of its previous run.
    /// </summary>
    public int InitialBdSeq { get; init; }

    /// <summary>Most unacknowledged events kept; the oldest is dropped beyond this.</summary>
    public int OutboxCapacity { get; init; } = DefaultOutboxCapacity;

    /// <summary>
    /// The enrolment token (<c>{tokenId}.{secret}</c>) whose proof an enrolment request carries, so it is approved at
    /// once; null: a request waits for a technician.
    /// </summary>
    public string? EnrolmentToken { get; init; }

    /// <summary>How long one enrolment attempt waits for an approval.</summary>
    public TimeSpan EnrolmentWait { get; init; } = DefaultEnrolmentWait;

    /// <summary>Seed for the reconnect jitter; null for a random seed.</summary>
    public int? RandomSeed { get; init; }

    /// <summary>
    /// The pinned root public key (DER SubjectPublicKeyInfo, P-256) that certifies the Controller's signing keys.
    /// Null: the node obeys no command (and does not announce the "commands" capability).
    /// </summary>
    public ReadOnlyMemory<byte>? RootPublicKey { get; init; }

    /// <summary>
    /// Whether an operating-system clock that reports itself synchronised counts as trusted time for command expiry;
    /// otherwise only an authenticated clock sync with the Controller does.
    /// </summary>
    public bool TrustSynchronisedSystemClock { get; init; } = true;

    /// <summary>Default <see cref="ReconnectWindow"/>: the reconnect window W.</summary>
    public static TimeSpan DefaultReconnectWindow { get; } = TimeSpan.FromSeconds(25);

    /// <summary>Default <see cref="ReconnectBackoffCap"/>.</summary>
    public static TimeSpan DefaultReconnectCap { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Default <see cref="FailbackProbeInterval"/>.</summary>
    public static TimeSpan DefaultFailbackProbeInterval { get; } = TimeSpan.FromMinutes(1);

    /// <summary>Default <see cref="FailbackAfterHealthyProbes"/>.</summary>
    public static int DefaultFailbackAfterHealthyProbes => 3;

    /// <summary>Default <see cref="EnrolmentWait"/>.</summary>
    public static TimeSpan DefaultEnrolmentWait { get; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest <see cref="EnrolmentWait"/>.</summary>
    public static TimeSpan MaxEnrolmentWait { get; } = TimeSpan.FromMinutes(10);

    /// <summary>Default <see cref="OutboxCapacity"/>.</summary>
    public static int DefaultOutboxCapacity => 1000;

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
        problems.AddRange(FindTimingProblems(Heartbeat, KeepAlive, ReconnectWindow, ReconnectBackoffCap, string.Empty, allowZeroBackoff: true));
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

        problems.AddRange(FindDurabilityProblems(FailbackProbeInterval, FailbackAfterHealthyProbes, OutboxCapacity, string.Empty));
        if (DataDirectory is not null && string.IsNullOrWhiteSpace(DataDirectory))
        {
            problems.Add("DataDirectory must be null or a folder path.");
        }

        problems.AddRange(FindEnrolmentProblems(EnrolmentToken, EnrolmentWait, string.Empty));
        if (RootPublicKey is { } root)
        {
            using var key = EcdsaP256.ImportPublicKey(root.Span);
            if (key is null)
            {
                problems.Add("RootPublicKey must be a P-256 DER SubjectPublicKeyInfo.");
            }
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
            yield return InvalidSetting.Describe(key, null, "must list at least one broker (Host and Port)");
            yield break;
        }

        for (var i = 0; i < list.Count; i++)
        {
            var broker = list[i];
            if (broker is null || string.IsNullOrWhiteSpace(broker.Host))
            {
                yield return InvalidSetting.Describe($"{key}:{i}:Host", broker?.Host, "must be a host name or address");
            }

            if (broker is not null && broker.Port is < 1 or > 65535)
            {
                yield return InvalidSetting.Describe($"{key}:{i}:Port", broker.Port, "must be a TCP port (1–65535)");
            }
        }
    }

    internal static IEnumerable<string> FindEnrolmentProblems(string? token, TimeSpan wait, string prefix)
    {
        if (token is not null && !EnrolmentTokenProof.TryParseToken(token, out _, out _))
        {
            // The secret is not echoed into the log.
            yield return InvalidSetting.Describe(
                prefix + "Enrolment:Token", "(hidden)", "must be an enrolment token {tokenId}.{secret} as a technician made it (an id, a dot, base64url of at least 16 bytes)");
        }

        if (wait < TimeSpan.FromSeconds(1) || wait > MaxEnrolmentWait)
        {
            yield return InvalidSetting.Describe(prefix + "Enrolment:WaitForApproval", wait, $"must be between 00:00:01 and {InvalidSetting.Show(MaxEnrolmentWait)}");
        }
    }

    internal static IEnumerable<string> FindDurabilityProblems(TimeSpan probeInterval, int healthyProbes, int outboxCapacity, string prefix)
    {
        if (probeInterval < TimeSpan.FromSeconds(1) || probeInterval > TimeSpan.FromDays(1))
        {
            yield return InvalidSetting.Describe(prefix + "FailbackProbeInterval", probeInterval, "must be between 00:00:01 and 1.00:00:00");
        }

        if (healthyProbes is < 1 or > 1000)
        {
            yield return InvalidSetting.Describe(prefix + "FailbackAfterHealthyProbes", healthyProbes, "must be 1–1000");
        }

        if (outboxCapacity is < 1 or > MaxOutboxCapacity)
        {
            yield return InvalidSetting.Describe(prefix + "OutboxCapacity", outboxCapacity, $"must be 1–{MaxOutboxCapacity}");
        }
    }

    /// <summary>The longest heartbeat a node may be configured with: the longest a Controller believes.</summary>
    public static TimeSpan MaxHeartbeat { get; } = TimeSpan.FromSeconds(SetHeartbeatCommand.MaxSeconds);

    internal static IEnumerable<string> FindTimingProblems(
        TimeSpan heartbeat, TimeSpan keepAlive, TimeSpan backoffBase, TimeSpan backoffCap, string prefix, bool allowZeroBackoff = false)
    {
        // Above set-heartbeat's maximum the Controller would judge the node on that maximum and show it offline
        // between its reports.
        if (heartbeat < TimeSpan.FromSeconds(1) || heartbeat > MaxHeartbeat || heartbeat.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            yield return InvalidSetting.Describe(prefix + "Heartbeat", heartbeat, $"must be whole seconds between 00:00:01 and {InvalidSetting.Show(MaxHeartbeat)}");
        }

        if (keepAlive < TimeSpan.FromSeconds(1) || keepAlive > TimeSpan.FromSeconds(ushort.MaxValue))
        {
            yield return InvalidSetting.Describe(prefix + "KeepAlive", keepAlive, "must be between 00:00:01 and 18:12:15");
        }

        if (backoffBase < TimeSpan.Zero || (!allowZeroBackoff && backoffBase == TimeSpan.Zero))
        {
            yield return InvalidSetting.Describe(prefix + "ReconnectWindow", backoffBase, "must be positive");
        }

        if (backoffCap < backoffBase || backoffCap > TimeSpan.FromHours(1))
        {
            yield return InvalidSetting.Describe(prefix + "ReconnectBackoffCap", backoffCap, $"must be at least {prefix}ReconnectWindow ({InvalidSetting.Show(backoffBase)}) and at most 01:00:00");
        }
    }
}
