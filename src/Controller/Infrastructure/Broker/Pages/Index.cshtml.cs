using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Api;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Pages;

/// <summary>
/// The broker as technicians watch it (<c>/broker</c>): what it refused, per reason and per source, the latest
/// refusals, session takeovers per username, and the observer account. The observer's password is shown only when
/// asked for (<c>?show=1</c>), so a page left open on a phone does not display it.
/// </summary>
internal sealed class IndexModel(BrokerRefusalLog refusals, BrokerSecrets secrets, IOptions<BrokerOptions> options, EmbeddedBroker broker) : PageModel
{
    /// <summary>Refusals listed one by one: enough to see an attack's shape on a phone.</summary>
    public const int Shown = 50;

    /// <summary>Reasons the broker counts by, in the order the page explains them.</summary>
    public static IReadOnlyList<string> Reasons { get; } =
    [
        "anonymous", "bad-credentials", "client-id-not-bound", "publish-not-permitted", "subscribe-not-permitted",
        "outside-tree", "retained-node-topic", "retained", "packet-too-large", "malformed-packet", "publish-rate",
        "connection-limit", "subscription-limit",
    ];

    public BrokerRefusalReport Report { get; private set; } = null!;

    public IReadOnlyList<KeyValuePair<string, long>> Takeovers { get; private set; } = [];

    public ObserverCredentials Observer { get; private set; } = null!;

    public bool ShowPassword { get; private set; }

    public void OnGet(string? show)
    {
        Report = refusals.Report();
        Takeovers = [.. refusals.Takeovers.ByUsername().OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal)];
        Observer = BrokerEndpoints.Observer(HttpContext, secrets, options.Value, broker);
        ShowPassword = show == "1";
        if (ShowPassword)
        {
            Response.Headers.CacheControl = "no-store";
        }
    }

    /// <summary>Counts largest first, so the loudest reason or source is read first.</summary>
    public static IEnumerable<KeyValuePair<string, long>> Largest(IReadOnlyDictionary<string, long> counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        return counts.OrderByDescending(pair => pair.Value).ThenBy(pair => pair.Key, StringComparer.Ordinal);
    }

    /// <summary>The observer command line, with the password masked unless asked for.</summary>
    public string CommandLine => ShowPassword ? Observer.Example : Observer.Example.Replace(Observer.Password, "••••••", StringComparison.Ordinal);
}
