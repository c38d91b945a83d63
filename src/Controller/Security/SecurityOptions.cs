namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// Configuration section "Security": the Controller's signing keys, the root they are certified by, and how commands
/// are numbered, retried and timed. Without keys (and without <see cref="GenerateDemoKeys"/>) the Controller still runs
/// and shows the fleet; only the command endpoints refuse, saying how to configure keys.
/// </summary>
public sealed class SecurityOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Security";

    /// <summary>The root's public key (DER SubjectPublicKeyInfo, PEM, or base64url text); used to check our certificates at start.</summary>
    public string? RootPublicKeyFile { get; set; }

    /// <summary>The Controller signing key, PKCS#8 PEM (shorthand for a single entry of <see cref="SigningKeys"/>).</summary>
    public string? SigningKeyFile { get; set; }

    /// <summary>The root-signed certificate of <see cref="SigningKeyFile"/>, in the signed two-line wire form.</summary>
    public string? CertificateFile { get; set; }

    /// <summary>
    /// Signing keys for a rotation: every certificate is published so nodes know both keys during the overlap, and the
    /// key whose certificate started most recently (and covers now) signs.
    /// </summary>
    public IList<SigningKeyOptions> SigningKeys { get; } = [];

    /// <summary>Optional root-signed revocation list (signed two-line wire form), published retained.</summary>
    public string? RevocationListFile { get; set; }

    /// <summary>
    /// Demo only: when no key is configured, create a root and a signing key under <c>{Store:DataDirectory}/keys/</c>
    /// (and reuse them on later starts). Production keeps the root offline and uses the <c>keys</c> verbs instead.
    /// </summary>
    public bool GenerateDemoKeys { get; set; }

    /// <summary>How long a command stays valid after it is issued (its <c>exp</c> − <c>ts</c>).</summary>
    public TimeSpan CommandLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How often an envelope is sent again to nodes that have not answered, until it expires.</summary>
    public TimeSpan ResendInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>
    /// Sequence numbers reserved (fsynced) at a time. Numbers are at least the current Unix time in microseconds, so a
    /// block of a million covers at least a second of issuing: one fsync a second at most, however busy.
    /// </summary>
    public long SequenceBlockSize { get; set; } = 1_000_000;

    /// <summary>
    /// Shortest gap between two clock-sync replies to one node; requests inside it are dropped. Half the node's fastest
    /// rate (one a second on its own clock), not equal to it: a node whose crystal runs fast, or whose previous request
    /// was delayed on the way, asks a little under a second apart by the Controller's clock and must still be answered.
    /// </summary>
    public TimeSpan ClockSyncMinInterval { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>Most clock-sync replies in one second across the fleet, so a flood of requests cannot burn the CPU on signatures.</summary>
    public int ClockSyncMaxPerSecond { get; set; } = 200;
}
