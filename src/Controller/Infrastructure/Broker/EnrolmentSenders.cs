using System.Collections;
using System.Net;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// The address each enrolment request came from, as the embedded broker saw its publisher. The Controller's own client
/// receives a request without its sender (MQTT does not carry one), so ingest asks here, by the node id the topic
/// claims, when it counts a refusal per source. Kept from the publish until ingest takes it, and bounded: a flood of
/// made-up ids that outruns ingest past <see cref="Capacity"/> empties it, so those refusals count with no address
/// rather than holding memory. An external broker tells nothing; ingest then counts the node id alone.
/// </summary>
public sealed class EnrolmentSenders
{
    /// <summary>Requests remembered at once: far more than ingest ever lags behind the broker.</summary>
    public const int Capacity = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _latest = new(StringComparer.Ordinal);

    /// <summary>The session with <paramref name="sessionItems"/> published a request claiming <paramref name="nodeId"/>.</summary>
    public void Published(string nodeId, IDictionary sessionItems)
    {
        ArgumentNullException.ThrowIfNull(sessionItems);

        // The address without the port, which changes with every connection.
        var address = BrokerSessionEndpoint.Of(sessionItems) switch
        {
            IPEndPoint ip => (ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4() : ip.Address).ToString(),
            null => null,
            var other => other.ToString(),
        };
        if (address is null)
        {
            return;
        }

        lock (_gate)
        {
            if (!_latest.ContainsKey(nodeId) && _latest.Count >= Capacity)
            {
                _latest.Clear();
            }

            _latest[nodeId] = address;
        }
    }

    /// <summary>Where the latest request claiming <paramref name="nodeId"/> came from, forgotten once taken; null when unknown.</summary>
    public string? Take(string nodeId)
    {
        lock (_gate)
        {
            return _latest.Remove(nodeId, out var address) ? address : null;
        }
    }
}
