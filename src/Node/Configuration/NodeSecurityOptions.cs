namespace SmartLoudspeaker.Node.Configuration;

/// <summary>Configuration section <c>"Node:Security"</c>: what the node trusts for signed control.</summary>
public sealed class NodeSecurityOptions
{
    /// <summary>
    /// The pinned root public key: DER SubjectPublicKeyInfo, base64url (or base64, or PEM). The root certifies the
    /// Controller's signing keys; without a root (here or in <see cref="RootPublicKeyFile"/>) the node obeys no command.
    /// </summary>
    public string? RootPublicKey { get; set; }

    /// <summary>A file holding the root public key (PEM, base64url text, or raw DER); the alternative to <see cref="RootPublicKey"/>.</summary>
    public string? RootPublicKeyFile { get; set; }

    /// <summary>
    /// Whether an operating-system clock that reports itself synchronised (NTP) counts as trusted time for command
    /// expiry. Off: only an authenticated clock sync with the Controller makes the node's time trusted.
    /// </summary>
    public bool TrustSynchronisedSystemClock { get; set; } = true;
}
