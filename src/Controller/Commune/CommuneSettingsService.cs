using System.Globalization;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Commune.Storage;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Controller.Commune;

/// <summary>
/// The commune settings in force: read from the store at first use (the store opens after the services are built), the
/// configured defaults until an admin saves (Web:TimeZone is only that first default). A change is checked field by
/// field, compared with the version it was made from (optimistic concurrency: the second of two admins editing at once
/// is told, not silently overwritten), stored durably and only then put in force and announced (<see cref="Changed"/>,
/// which the quiet-hours reconciler listens to). Changes take one lock across their write, so versions never repeat.
/// </summary>
internal sealed class CommuneSettingsService : IDisposable
{
    private readonly SemaphoreSlim _changes = new(1, 1);
    private readonly Lock _loading = new();
    private readonly ICommuneSettingsStore _store;
    private readonly string _configuredTimeZone;
    private readonly TimeProvider _time;
    private readonly ILogger<CommuneSettingsService> _logger;
    private volatile CommuneSettings? _current;

    public CommuneSettingsService(ICommuneSettingsStore store, IOptions<WebOptions> web, TimeProvider time, ILogger<CommuneSettingsService> logger)
    {
        _store = store;
        _configuredTimeZone = web.Value.TimeZone;
        _time = time;
        _logger = logger;
    }

    /// <summary>Raised after a saved change is in force, with the new settings (off the request's path: handlers must not block).</summary>
    public event Action<CommuneSettings>? Changed;

    /// <summary>The settings in force.</summary>
    public CommuneSettings Current
    {
        get
        {
            if (_current is { } current)
            {
                return current;
            }

            lock (_loading)
            {
                _current ??= _store.Load() ?? CommuneSettings.Defaults(_configuredTimeZone);
                return _current;
            }
        }
    }

    /// <summary>Checks and saves a change made from version <paramref name="fromVersion"/>, by <paramref name="actor"/>.</summary>
    public async Task<SettingsUpdate> UpdateAsync(CommuneSettingsInput input, long fromVersion, string actor)
    {
        ArgumentNullException.ThrowIfNull(input);
        await _changes.WaitAsync().ConfigureAwait(false);
        try
        {
            var current = Current;
            var (wanted, errors) = CommuneSettingsRules.Check(input, current);
            if (wanted is null)
            {
                return new SettingsUpdate(SettingsOutcome.Invalid, current, [], errors);
            }

            if (fromVersion != current.Version)
            {
                return new SettingsUpdate(SettingsOutcome.Stale, current, [], []);
            }

            var changes = Differences(current, wanted);
            if (changes.Count == 0)
            {
                return new SettingsUpdate(SettingsOutcome.Unchanged, current, [], []);
            }

            var saved = wanted with { Version = current.Version + 1, ChangedAt = _time.GetUtcNow(), ChangedBy = actor };
            try
            {
                await _store.SaveAsync(saved).ConfigureAwait(false);
            }
#pragma warning disable CA1031 // Whatever the store failed with, the answer is the same: nothing changed, 503.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _logger.LogError("Commune settings version {Version} could not be stored, so nothing changed: {Message}", saved.Version, exception.Message);
                return new SettingsUpdate(SettingsOutcome.NotStored, current, [], [], exception.Message);
            }

            _current = saved;
            _logger.LogInformation("Commune settings version {Version} saved by {Actor}: {Changes}", saved.Version, actor, string.Join("; ", changes));
            Changed?.Invoke(saved);
            return new SettingsUpdate(SettingsOutcome.Saved, saved, changes, []);
        }
        finally
        {
            _changes.Release();
        }
    }

    public void Dispose() => _changes.Dispose();

    /// <summary>Each field that differs, as "field: old → new" (the audit entry's detail).</summary>
    public static IReadOnlyList<string> Differences(CommuneSettings before, CommuneSettings after)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        var changes = new List<string>();
        Compare(SettingsField.Name, Quote(before.Name), Quote(after.Name));
        Compare(SettingsField.Province, Quote(before.Province), Quote(after.Province));
        Compare(SettingsField.TimeZone, before.TimeZone, after.TimeZone);
        Compare("quietHours", Window(before.QuietHours), Window(after.QuietHours));
        Compare(SettingsField.SchedulesNeedApproval, Flag(before.SchedulesNeedApproval), Flag(after.SchedulesNeedApproval));
        Compare(SettingsField.LoudnessTargetLufs, Number(before.LoudnessTargetLufs), Number(after.LoudnessTargetLufs));
        Compare(SettingsField.EmergencyLeadTimeMs, Number(before.EmergencyLeadTime.TotalMilliseconds), Number(after.EmergencyLeadTime.TotalMilliseconds));
        Compare(SettingsField.BulletinLeadTimeMs, Number(before.BulletinLeadTime.TotalMilliseconds), Number(after.BulletinLeadTime.TotalMilliseconds));
        return changes;

        void Compare(string field, string old, string @new)
        {
            if (!string.Equals(old, @new, StringComparison.Ordinal))
            {
                changes.Add($"{field}: {old} → {@new}");
            }
        }
    }

    /// <summary>A window as "21:30–05:00", or "off".</summary>
    public static string Window(QuietHours? window) =>
        window is { } w ? $"{w.Start.ToString("HH:mm", CultureInfo.InvariantCulture)}–{w.End.ToString("HH:mm", CultureInfo.InvariantCulture)}" : "off";

    private static string Quote(string text) => $"\"{text}\"";

    private static string Flag(bool value) => value ? "true" : "false";

    private static string Number(double value) => value.ToString(CultureInfo.InvariantCulture);
}
