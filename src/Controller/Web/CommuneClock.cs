using System.Globalization;
using SmartLoudspeaker.Controller.Commune;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>
/// Shows instants on the commune's wall clock in the page's culture. The zone is the commune settings' (an admin's
/// choice on /settings); Web:TimeZone is only their default until an admin saves them.
/// </summary>
internal sealed class CommuneClock(CommuneSettingsService settings, TimeProvider time)
{
    private volatile TimeZoneInfo? _zone;

    /// <summary>The commune's zone now; looked up again only when the settings name another.</summary>
    public TimeZoneInfo Zone
    {
        get
        {
            var id = settings.Current.TimeZone;
            var zone = _zone;
            if (zone is null || !string.Equals(zone.Id, id, StringComparison.Ordinal))
            {
                zone = TimeZoneInfo.FindSystemTimeZoneById(id);
                _zone = zone;
            }

            return zone;
        }
    }

    public DateTimeOffset Now => ToCommune(time.GetUtcNow());

    public DateTimeOffset ToCommune(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, Zone);

    /// <summary>Time of day alone when it was today in the commune (what a technician glances at), else with the date.</summary>
    public string Short(DateTimeOffset instant, CultureInfo culture)
    {
        var local = ToCommune(instant);
        return local.Date == Now.Date
            ? local.ToString("HH:mm:ss", culture)
            : local.ToString(culture.DateTimeFormat.ShortDatePattern + " HH:mm", culture);
    }

    /// <summary>Date and time, for tables of history where rows span days.</summary>
    public string Full(DateTimeOffset instant, CultureInfo culture) =>
        ToCommune(instant).ToString(culture.DateTimeFormat.ShortDatePattern + " HH:mm:ss", culture);

    /// <summary>Machine-readable form for the datetime attribute of &lt;time&gt;.</summary>
    public static string Iso(DateTimeOffset instant) => instant.ToString("O", CultureInfo.InvariantCulture);
}
