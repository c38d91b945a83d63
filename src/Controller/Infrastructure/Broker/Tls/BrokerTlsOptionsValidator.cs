using SmartLoudspeaker.Controller.Hosting;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>The "Broker:Tls" part of <see cref="BrokerOptionsValidator"/>: each problem as the one line naming its key.</summary>
internal static class BrokerTlsOptionsValidator
{
    /// <summary>Problems of <paramref name="tls"/> for an embedded broker whose plain port is <paramref name="plainPort"/>.</summary>
    public static IEnumerable<string> FindProblems(BrokerTlsOptions tls, int plainPort)
    {
        ArgumentNullException.ThrowIfNull(tls);
        if (!tls.Enabled)
        {
            yield break;
        }

        if (tls.Port is < 0 or > 65535)
        {
            yield return InvalidSetting.Describe("Broker:Tls:Port", tls.Port, "must be 0–65535 (0 picks a free port)");
        }
        else if (tls.Port != 0 && tls.Port == plainPort)
        {
            yield return InvalidSetting.Describe("Broker:Tls:Port", tls.Port, "must differ from Broker:Port");
        }

        for (var i = 0; i < tls.HostNames.Count; i++)
        {
            if (Uri.CheckHostName(tls.HostNames[i]?.Trim()) is not (UriHostNameType.Dns or UriHostNameType.IPv4 or UriHostNameType.IPv6))
            {
                yield return InvalidSetting.Describe($"Broker:Tls:HostNames:{i}", tls.HostNames[i], "must be a DNS name or an IP address nodes use to reach the broker");
            }
        }

        var hasCertificate = !string.IsNullOrWhiteSpace(tls.CertificateFile);
        var hasKey = !string.IsNullOrWhiteSpace(tls.KeyFile);
        if (hasCertificate != hasKey)
        {
            yield return hasCertificate
                ? InvalidSetting.Describe("Broker:Tls:KeyFile", tls.KeyFile, "must name the private key (PEM) of Broker:Tls:CertificateFile")
                : InvalidSetting.Describe("Broker:Tls:CertificateFile", tls.CertificateFile, "must name the certificate (PEM) whose key Broker:Tls:KeyFile holds");
        }
        else if (hasCertificate)
        {
            using var certificate = BrokerCertificateFiles.TryLoad(tls.CertificateFile!, tls.KeyFile!);
            if (certificate is null)
            {
                yield return InvalidSetting.Describe(
                    "Broker:Tls:CertificateFile", tls.CertificateFile, $"must be a readable PEM certificate whose private key is in Broker:Tls:KeyFile ({tls.KeyFile})");
            }
        }
    }
}
