using System.Net;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// The addresses the web host is configured to listen on (<c>Urls</c>, HTTP_PORTS, HTTPS_PORTS and Kestrel:Endpoints:*:Url), read from the
/// configuration before it binds, and what they mean for exposure: which reach beyond this machine over plain HTTP.
/// </summary>
internal static class ListenAddresses
{
    /// <summary>Every configured address, with the configuration key it came from.</summary>
    public static IReadOnlyList<(string Key, string Url)> Configured(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        List<(string, string)> found = [];
        if (configuration[WebHostDefaults.ServerUrlsKey] is { Length: > 0 } urls)
        {
            found.AddRange(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(url => ("Urls", url)));
        }

        // ASPNETCORE_HTTP_PORTS / HTTPS_PORTS (used when Urls is not set) listen on every interface.
        foreach (var (key, scheme) in new[] { ("HTTP_PORTS", "http"), ("HTTPS_PORTS", "https") })
        {
            if (configuration[key] is { Length: > 0 } ports)
            {
                found.AddRange(ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(port => (key, $"{scheme}://*:{port}")));
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                found.Add(($"Kestrel:Endpoints:{endpoint.Key}:Url", url));
            }
        }

        return found;
    }

    /// <summary>Whether <paramref name="url"/> is an https:// address.</summary>
    public static bool IsHttps(string url) => url.StartsWith("https://", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Whether <paramref name="url"/> listens on loopback only: localhost, 127.x.x.x or [::1]. The wildcards (*, +,
    /// 0.0.0.0, [::]) and every other name or address reach beyond this machine.
    /// </summary>
    public static bool IsLoopback(string url)
    {
        var rest = url[(url.IndexOf("://", StringComparison.Ordinal) is var at and >= 0 ? at + 3 : 0)..];
        var host = rest.StartsWith('[') ? rest[1..Math.Max(1, rest.IndexOf(']', StringComparison.Ordinal))]
            : rest.Split(':', '/')[0];
        return string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase)
            || (IPAddress.TryParse(host, out var address) && IPAddress.IsLoopback(address));
    }

    /// <summary>Whether <paramref name="address"/>, the local end of a connection, is this machine's loopback (an in-process test server has none).</summary>
    public static bool IsLoopbackConnection(IPAddress? address) =>
        address is null || IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
