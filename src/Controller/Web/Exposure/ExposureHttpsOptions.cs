namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// Configuration section "Exposure:Https": the certificate every https:// address in <c>Urls</c> (or a Kestrel
/// endpoint) presents — the commune's own, or one the Controller generates in its data folder, issued by the same CA
/// as the broker's (<c>broker-ca.pem</c>), so a phone that trusts that CA once trusts every renewal.
/// </summary>
public sealed class ExposureHttpsOptions
{
    /// <summary>
    /// The DNS names and IP addresses people type to reach the web UI, written into the generated certificate; a
    /// browser warns about a certificate that does not name the host it asked for. Empty: this machine's host name, its
    /// .local name, localhost, and every address of this machine.
    /// </summary>
    public IList<string> HostNames { get; } = [];

    /// <summary>
    /// A commune's own certificate (PEM; intermediates after the server's own, as Let's Encrypt's fullchain.pem), used
    /// instead of the generated one. Set together with <see cref="KeyFile"/>.
    /// </summary>
    public string? CertificateFile { get; set; }

    /// <summary>The private key (PEM) of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; set; }
}
