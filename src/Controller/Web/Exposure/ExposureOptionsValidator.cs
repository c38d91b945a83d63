using System.Net;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// Refuses, at start, what would expose the web UI wrongly: a malformed allowed host, a certificate that cannot be
/// read, a proxy address that is none, and plain HTTP beyond loopback with neither HTTPS nor a reverse proxy.
/// </summary>
internal sealed class ExposureOptionsValidator(IConfiguration configuration) : IValidateOptions<ExposureOptions>
{
    public ValidateOptionsResult Validate(string? name, ExposureOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        List<string> failures = [];
        for (var i = 0; i < options.AllowedHosts.Count; i++)
        {
            if (!IsHostPattern(options.AllowedHosts[i]))
            {
                failures.Add(InvalidSetting.Describe(
                    $"Exposure:AllowedHosts:{i}", options.AllowedHosts[i], "must be a host name, an IP address or *.domain, without scheme or port"));
            }
        }

        for (var i = 0; i < options.Https.HostNames.Count; i++)
        {
            if (Uri.CheckHostName(options.Https.HostNames[i]?.Trim()) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                failures.Add(InvalidSetting.Describe($"Exposure:Https:HostNames:{i}", options.Https.HostNames[i], "must be a DNS name or an IP address people use to reach the web UI"));
            }
        }

        failures.AddRange(CertificateProblems(options.Https));
        for (var i = 0; i < options.ReverseProxy.KnownProxies.Count; i++)
        {
            if (!IPAddress.TryParse(options.ReverseProxy.KnownProxies[i], out _))
            {
                failures.Add(InvalidSetting.Describe($"Exposure:ReverseProxy:KnownProxies:{i}", options.ReverseProxy.KnownProxies[i], "must be an IP address"));
            }
        }

        for (var i = 0; i < options.ReverseProxy.KnownNetworks.Count; i++)
        {
            if (!IPNetwork.TryParse(options.ReverseProxy.KnownNetworks[i], out _))
            {
                failures.Add(InvalidSetting.Describe($"Exposure:ReverseProxy:KnownNetworks:{i}", options.ReverseProxy.KnownNetworks[i], "must be a network in CIDR notation, e.g. 10.0.0.0/24"));
            }
        }

        failures.AddRange(PlainHttpProblems(options));
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static IEnumerable<string> CertificateProblems(ExposureHttpsOptions https)
    {
        var hasCertificate = !string.IsNullOrWhiteSpace(https.CertificateFile);
        var hasKey = !string.IsNullOrWhiteSpace(https.KeyFile);
        if (hasCertificate != hasKey)
        {
            yield return hasCertificate
                ? InvalidSetting.Describe("Exposure:Https:KeyFile", https.KeyFile, "must name the private key (PEM) of Exposure:Https:CertificateFile")
                : InvalidSetting.Describe("Exposure:Https:CertificateFile", https.CertificateFile, "must name the certificate (PEM) whose key Exposure:Https:KeyFile holds");
        }
        else if (hasCertificate)
        {
            using var certificate = BrokerCertificateFiles.TryLoad(https.CertificateFile!, https.KeyFile!);
            if (certificate is null)
            {
                yield return InvalidSetting.Describe(
                    "Exposure:Https:CertificateFile", https.CertificateFile, $"must be a readable PEM certificate whose private key is in Exposure:Https:KeyFile ({https.KeyFile})");
            }
        }
    }

    /// <summary>
    /// Plain HTTP beyond loopback would carry passwords and session cookies in the clear over the village Wi-Fi, and
    /// the browser would refuse the microphone there (no secure context): it needs an https:// address to redirect
    /// to, or a proxy that terminates TLS.
    /// </summary>
    private IEnumerable<string> PlainHttpProblems(ExposureOptions options)
    {
        if (options.ReverseProxy.Enabled)
        {
            yield break;
        }

        var addresses = ListenAddresses.Configured(configuration);
        if (addresses.Any(address => ListenAddresses.IsHttps(address.Url)))
        {
            yield break;
        }

        foreach (var (key, url) in addresses.Where(address => !ListenAddresses.IsLoopback(address.Url)))
        {
            yield return InvalidSetting.Describe(
                key, url, "listens beyond this machine with plain HTTP: add an https:// address (e.g. https://0.0.0.0:5443) or, when a reverse proxy terminates TLS, set Exposure:ReverseProxy:Enabled = true (docs/operations.md)");
        }
    }

    private static bool IsHostPattern(string? pattern)
    {
        var host = pattern?.Trim() ?? string.Empty;
        if (host == "*")
        {
            return true;
        }

        if (host.StartsWith("*.", StringComparison.Ordinal))
        {
            host = host[2..];
        }
        else if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        return Uri.CheckHostName(host) is UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6;
    }
}
