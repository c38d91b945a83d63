namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// Configuration section "Exposure:ReverseProxy": a proxy (nginx, Caddy) that terminates TLS and forwards plain HTTP
/// to the Controller. Only then may the Controller listen with plain HTTP beyond loopback, and only then does it believe
/// X-Forwarded-For and X-Forwarded-Proto — and only from <see cref="KnownProxies"/> or <see cref="KnownNetworks"/>, or
/// anyone could claim any client address and scheme.
/// </summary>
public sealed class ReverseProxyOptions
{
    /// <summary>Whether a reverse proxy terminates TLS in front of the Controller.</summary>
    public bool Enabled { get; set; }

    /// <summary>The proxies' addresses whose forwarded headers are believed; with none, 127.0.0.1 and ::1 (a proxy on this machine).</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks (CIDR, e.g. 10.0.0.0/24) whose forwarded headers are believed.</summary>
    public IList<string> KnownNetworks { get; } = [];
}
