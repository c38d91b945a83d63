using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;

/// <summary>
/// Makes the broker's certificates with the BCL alone (<see cref="CertificateRequest"/>): a P-256 CA that nodes pin,
/// and server certificates it signs for the names nodes dial. Pure functions of their inputs and the given instant.
/// </summary>
internal static class BrokerCertificateAuthority
{
    /// <summary>How long the generated CA is valid: nodes pin it, so it must outlive the hardware.</summary>
    public static readonly TimeSpan AuthorityValidity = TimeSpan.FromDays(20 * 365);

    /// <summary>How long a server certificate is valid; it is renewed unattended <see cref="RenewBefore"/> its end.</summary>
    public static readonly TimeSpan ServerValidity = TimeSpan.FromDays(2 * 365);

    /// <summary>A server certificate this close to its end is replaced.</summary>
    public static readonly TimeSpan RenewBefore = TimeSpan.FromDays(30);

    /// <summary>
    /// Certificates start this long before the instant they are made, so a node whose trusted clock is a little behind
    /// the Controller's does not find a certificate "not yet valid".
    /// </summary>
    public static readonly TimeSpan Backdate = TimeSpan.FromHours(1);

    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>The names a generated server certificate carries: the configured ones, or the defaults.</summary>
    public static IReadOnlyList<string> HostNamesFor(BrokerTlsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.HostNames.Count > 0 ? [.. options.HostNames] : DefaultHostNames();
    }

    /// <summary>The names a server certificate carries when none are configured.</summary>
    public static IReadOnlyList<string> DefaultHostNames()
    {
        List<string> names = [];
        var machine = Dns.GetHostName();
        if (Uri.CheckHostName(machine) == UriHostNameType.Dns)
        {
            names.Add(machine.ToLowerInvariant());
        }

        names.AddRange(["localhost", "127.0.0.1", "::1"]);
        return names.Distinct(StringComparer.OrdinalIgnoreCase).ToList();
    }

    /// <summary>A new CA certificate with its private key, valid from <paramref name="now"/> for <see cref="AuthorityValidity"/>.</summary>
    public static X509Certificate2 CreateAuthority(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN=SmartLoudspeaker broker CA {Dns.GetHostName()}, O=SmartLoudspeaker", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, true, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(now - Backdate, now + AuthorityValidity);
    }

    /// <summary>
    /// A server certificate for <paramref name="hostNames"/> signed by <paramref name="authority"/>, with its private
    /// key; it ends at <paramref name="notAfter"/> or with the CA, whichever is first.
    /// </summary>
    public static X509Certificate2 IssueServer(X509Certificate2 authority, IReadOnlyList<string> hostNames, DateTimeOffset notBefore, DateTimeOffset notAfter)
    {
        ArgumentNullException.ThrowIfNull(authority);
        ArgumentNullException.ThrowIfNull(hostNames);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={hostNames[0]}", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ServerAuthentication)], false));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        request.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(authority, true, false));
        request.CertificateExtensions.Add(SubjectAlternativeNames(hostNames));

        var end = notAfter < authority.NotAfter ? notAfter : new DateTimeOffset(authority.NotAfter);
        var serial = RandomNumberGenerator.GetBytes(16);
        serial[0] &= 0x7F; // A serial number is a positive integer.
        using var issued = request.Create(authority, notBefore, end, serial);
        return issued.CopyWithPrivateKey(key);
    }

    /// <summary>Whether <paramref name="certificate"/> names exactly <paramref name="hostNames"/> (in any order).</summary>
    public static bool NamesExactly(X509Certificate2 certificate, IReadOnlyList<string> hostNames)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        var extension = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().FirstOrDefault();
        if (extension is null)
        {
            return false;
        }

        var present = extension.EnumerateDnsNames().Select(name => name.ToLowerInvariant())
            .Concat(extension.EnumerateIPAddresses().Select(address => address.ToString()))
            .ToHashSet(StringComparer.Ordinal);
        var wanted = hostNames.Select(Normalise).ToHashSet(StringComparer.Ordinal);
        return present.SetEquals(wanted);
    }

    private static X509Extension SubjectAlternativeNames(IReadOnlyList<string> hostNames)
    {
        var builder = new SubjectAlternativeNameBuilder();
        foreach (var name in hostNames)
        {
            if (IPAddress.TryParse(name, out var address))
            {
                builder.AddIpAddress(address);
            }
            else
            {
                builder.AddDnsName(name.ToLowerInvariant());
            }
        }

        return builder.Build();
    }

    private static string Normalise(string name) =>
        IPAddress.TryParse(name, out var address) ? address.ToString() : name.ToLowerInvariant();
}
