namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// Configuration section "Exposure": how the web UI and API face the network — which host names it answers to, the
/// certificate of its HTTPS endpoints, and whether a reverse proxy in front terminates TLS (docs/operations.md).
/// </summary>
public sealed class ExposureOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Exposure";

    /// <summary>
    /// Host names (and IP addresses) requests may name in their Host header, beside the ones always allowed:
    /// localhost, 127.0.0.1, [::1], this machine's host name (and its .local name) and its own addresses. Any other
    /// Host is refused with 400 before anything else runs, which is what stops DNS rebinding: a page of a foreign site
    /// whose name has been pointed at this Controller still sends its own name. "*.commune.example" allows subdomains.
    /// The standard "AllowedHosts" key (semicolon-separated) adds to this list.
    /// </summary>
    public IList<string> AllowedHosts { get; } = [];

    /// <summary>The certificate HTTPS endpoints present.</summary>
    public ExposureHttpsOptions Https { get; } = new();

    /// <summary>A reverse proxy that terminates TLS in front of the Controller.</summary>
    public ReverseProxyOptions ReverseProxy { get; } = new();
}
