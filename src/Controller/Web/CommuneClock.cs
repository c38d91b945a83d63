using System.Globalization;
using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>Shows instants on the commune's wall clock (Web:TimeZone) in the page's culture.</summary>
internal sealed class CommuneClock(IOptions<WebOptions> options, TimeProvider time)
{
    private readonly TimeZoneInfo _zone = TimeZoneInfo.FindSystemTimeZoneById(options.Value.TimeZone);

    public TimeZoneInfo Zone => _zone;

    public DateTimeOffset Now => ToCommune(time.GetUtcNow());

    public DateTimeOffset ToCommune(DateTimeOffset instant) => TimeZoneInfo.ConvertTime(instant, _zone);

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
