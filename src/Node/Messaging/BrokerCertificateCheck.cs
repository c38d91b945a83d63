using System.Security.Cryptography.X509Certificates;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// Decides whether a TLS broker's certificate is the Controller's: it must chain to the pinned CA alone (the system's
/// roots are not consulted, so a certificate any public CA issued is refused), be meant for a server, and name the
/// host the node dialled. Its dates are checked against the node's time only while that time is trusted: a node that
/// booted with a flat RTC battery in 1970, or years ahead, must still reach the Controller that corrects its clock, as
/// signed control already does for command expiry. Revocation is not checked: a village has no CRL server to reach.
/// </summary>
internal static class BrokerCertificateCheck
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";

    /// <summary>Null when the certificate is acceptable; otherwise every check that failed, in words for the log.</summary>
    /// <param name="certificate">The certificate the broker presented.</param>
    /// <param name="presented">The chain TLS built from what the broker sent (its intermediates are used, never its roots); may be null.</param>
    /// <param name="host">The host name or address the node connected to.</param>
    /// <param name="pinnedCa">The pinned CA (<c>Node:BrokerCaFile</c>).</param>
    /// <param name="time">The node's time, and whether it is trusted.</param>
    public static string? FindProblems(X509Certificate2 certificate, X509Chain? presented, string host, X509Certificate2 pinnedCa, TrustedTime time)
    {
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(pinnedCa);
        List<string> problems = [];
        using var chain = new X509Chain();
        var policy = chain.ChainPolicy;
        policy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        policy.CustomTrustStore.Add(pinnedCa);
        policy.RevocationMode = X509RevocationMode.NoCheck;
        policy.DisableCertificateDownloads = true;
        policy.ApplicationPolicy.Add(new System.Security.Cryptography.Oid(ServerAuthentication));
        policy.VerificationTime = time.Now.UtcDateTime;
        policy.VerificationTimeIgnored = false;
        if (!time.Trusted)
        {
            policy.VerificationFlags |= X509VerificationFlags.IgnoreNotTimeValid;
        }

        if (presented is not null)
        {
            foreach (var element in presented.ChainElements.Skip(1))
            {
                policy.ExtraStore.Add(element.Certificate);
            }
        }

        if (!chain.Build(certificate))
        {
            var flags = chain.ChainStatus.Aggregate(X509ChainStatusFlags.NoError, (all, status) => all | status.Status);
            if ((flags & (X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain)) != 0)
            {
                problems.Add($"not issued by the pinned CA '{pinnedCa.Subject}' (Node:BrokerCaFile); issuer '{certificate.Issuer}'");
            }

            if ((flags & X509ChainStatusFlags.NotTimeValid) != 0)
            {
                problems.Add(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"outside its validity ({certificate.NotBefore.ToUniversalTime():u} to {certificate.NotAfter.ToUniversalTime():u}) at the node's trusted time {time.Now.UtcDateTime:u}"));
            }

            if ((flags & X509ChainStatusFlags.NotValidForUsage) != 0)
            {
                problems.Add("not a certificate for a TLS server");
            }

            var other = flags & ~(X509ChainStatusFlags.UntrustedRoot | X509ChainStatusFlags.PartialChain | X509ChainStatusFlags.NotTimeValid | X509ChainStatusFlags.NotValidForUsage);
            if (other != X509ChainStatusFlags.NoError)
            {
                problems.Add("chain refused: " + other);
            }
        }

        if (!certificate.MatchesHostname(host, allowWildcards: true, allowCommonName: false))
        {
            problems.Add($"does not name the host '{host}' the node connected to");
        }

        return problems.Count == 0 ? null : string.Join("; ", problems);
    }
}
