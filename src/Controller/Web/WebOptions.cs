namespace SmartLoudspeaker.Controller.Web;

/// <summary>Configuration section "Web": how the web UI shows times to the commune.</summary>
public sealed class WebOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Web";

    /// <summary>
    /// IANA id of the commune's time zone. Every date and time on the pages is shown in it, whatever the server's
    /// own zone is, because staff compare what they see with the wall clock of the commune hall.
    /// </summary>
    public string TimeZone { get; set; } = "Asia/Ho_Chi_Minh";
}
