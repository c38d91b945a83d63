using System.Net;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;

/// <summary>
/// The broker's recent refusals for technicians: the last <see cref="Capacity"/> with time, source, identity and
/// reason, and counts per reason and per source since start. Memory is bounded whatever an attacker sends: the list
/// is a ring, and sources beyond <see cref="MaxSources"/> are counted together under <see cref="OtherSources"/>.
/// </summary>
public sealed class BrokerRefusalLog
{
    /// <summary>Refusals kept in the recent list.</summary>
    public const int Capacity = 200;

    /// <summary>Distinct sources counted one by one.</summary>
    public const int MaxSources = 1000;

    /// <summary>The source that counts everything beyond <see cref="MaxSources"/>.</summary>
    public const string OtherSources = "(other)";

    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Queue<BrokerRefusalEntry> _recent = new();
    private readonly Dictionary<string, long> _byReason = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _bySource = new(StringComparer.Ordinal);

    /// <summary>Created by dependency injection.</summary>
    public BrokerRefusalLog(TimeProvider clock)
    {
        _clock = clock;
    }

    /// <summary>
    /// Session takeovers per username: not refusals (the connection is let in), but shown beside them because a
    /// username that keeps taking over is two devices sharing one identity.
    /// </summary>
    public BrokerTakeoverLog Takeovers { get; } = new();

    /// <summary>Raised after each refusal is recorded (tests wait on it).</summary>
    public event Action<BrokerRefusalEntry>? Recorded;

    /// <summary>Records one refusal.</summary>
    public BrokerRefusalEntry Record(EndPoint? endpoint, string? username, string? clientId, string reason, string? topic = null)
    {
        ArgumentNullException.ThrowIfNull(reason);
        var entry = new BrokerRefusalEntry(_clock.GetUtcNow(), endpoint?.ToString(), username, clientId, reason, topic);
        var source = string.IsNullOrEmpty(username) ? AddressOf(endpoint) : username;
        lock (_gate)
        {
            _recent.Enqueue(entry);
            if (_recent.Count > Capacity)
            {
                _recent.Dequeue();
            }

            _byReason[reason] = _byReason.GetValueOrDefault(reason) + 1;
            if (!_bySource.ContainsKey(source) && _bySource.Count >= MaxSources)
            {
                source = OtherSources;
            }

            _bySource[source] = _bySource.GetValueOrDefault(source) + 1;
        }

        Recorded?.Invoke(entry);
        return entry;
    }

    /// <summary>Counts and the recent list, newest first.</summary>
    public BrokerRefusalReport Report()
    {
        lock (_gate)
        {
            return new BrokerRefusalReport(
                new Dictionary<string, long>(_byReason, StringComparer.Ordinal),
                new Dictionary<string, long>(_bySource, StringComparer.Ordinal),
                [.. _recent.Reverse()]);
        }
    }

    private static string AddressOf(EndPoint? endpoint) => endpoint switch
    {
        IPEndPoint ip => ip.Address.IsIPv4MappedToIPv6 ? ip.Address.MapToIPv4().ToString() : ip.Address.ToString(),
        null => "(unknown)",
        _ => endpoint.ToString() ?? "(unknown)",
    };
}
