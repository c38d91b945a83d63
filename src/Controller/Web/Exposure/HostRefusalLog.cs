using System.Collections.Concurrent;

namespace SmartLoudspeaker.Controller.Web.Exposure;

/// <summary>
/// Logs a refused Host once per host name, so that a flood of requests (a rebinding page retrying, a scanner) makes
/// one warning per name, not one per request; past <see cref="MaxHosts"/> names, one last line says the rest are not logged.
/// </summary>
internal sealed class HostRefusalLog(ILogger<HostRefusalLog> logger)
{
    /// <summary>How many distinct refused names are remembered (and logged): the set is bounded whatever a client sends.</summary>
    public const int MaxHosts = 256;

    private const int MaxShownLength = 100;
    private readonly ConcurrentDictionary<string, bool> _seen = new(StringComparer.OrdinalIgnoreCase);
    private int _overflowLogged;

    /// <summary>Records a request refused for its Host header.</summary>
    public void Refused(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var host = Printable(context.Request.Host.Value ?? string.Empty);
        if (_seen.ContainsKey(host))
        {
            return;
        }

        if (_seen.Count >= MaxHosts)
        {
            if (Interlocked.Exchange(ref _overflowLogged, 1) == 0)
            {
                logger.LogWarning("More than {Count} foreign host names were refused; further ones are not logged", MaxHosts);
            }

            return;
        }

        if (_seen.TryAdd(host, true))
        {
            logger.LogWarning(
                "Refused a request for host {Host} from {Client}: not an allowed host (Exposure:AllowedHosts). A foreign site's page (DNS rebinding) or a name to add; further requests for it are not logged",
                host, context.Connection.RemoteIpAddress);
        }
    }

    private static string Printable(string host)
    {
        var shown = host.Length > MaxShownLength ? host[..MaxShownLength] + "…" : host;
        return string.Concat(shown.Select(character => char.IsControl(character) ? '?' : character));
    }
}
