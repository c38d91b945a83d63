using System.Globalization;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Nodes;

/// <summary>
/// The node page's audio section: whether the node has an output, what it is doing (from its newest health), how far
/// its clock is from the Controller's, and its recent plays, each report in words.
/// </summary>
internal sealed class AudioPanel
{
    /// <summary>The event kind a node reports its plays with.</summary>
    public const string PlayReportKind = "play.report";

    /// <summary>Most play reports the section lists.</summary>
    private const int ReportsShown = 10;

    private static readonly string[] SoundingCodes = ["started", "resumed"];

    /// <summary>True when the node announced the <c>audio</c> capability.</summary>
    public bool HasAudio { get; private init; }

    /// <summary>The output's state in words, or null before a health report with audio.</summary>
    public string? State { get; private init; }

    /// <summary>The state's code (idle, playing, fault) for styling, or null.</summary>
    public string? StateCode { get; private init; }

    /// <summary>The class of what plays, in words, or null.</summary>
    public string? PlayingClass { get; private init; }

    /// <summary>The output volume, e.g. "80 %", or null.</summary>
    public string? Volume { get; private init; }

    /// <summary>The node's offset from the Controller's clock, e.g. "+3.2 ms", or null when its health has none.</summary>
    public string? ClockOffset { get; private init; }

    /// <summary>Where the node's time comes from, in words, or null.</summary>
    public string? ClockSource { get; private init; }

    /// <summary>The newest play reports, newest first.</summary>
    public IReadOnlyList<PlayReportLine> Reports { get; private init; } = [];

    /// <summary>What the page's live update needs of this section.</summary>
    public AudioUpdate Update() => new(State, StateCode, Reports);

    public static AudioPanel For(NodeState node, IEnumerable<EventRecord> events, UiText text, CommuneClock clock)
    {
        ArgumentNullException.ThrowIfNull(node);
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(clock);
        var health = node.Health;
        var audio = health?.Audio;
        var culture = text.Culture;
        var reports = events.Where(record => record.Event.Kind == PlayReportKind).OrderByDescending(record => record.ReceivedAt).Take(ReportsShown).ToArray();
        var newestPerPlay = new HashSet<string>(StringComparer.Ordinal);
        var lines = new List<PlayReportLine>(reports.Length);
        foreach (var record in reports)
        {
            var fields = Fields(record.Event.Text);
            var playId = fields.GetValueOrDefault("play");
            var code = record.Event.Code ?? string.Empty;
            var newest = playId is not null && newestPerPlay.Add(playId);
            var at = fields.TryGetValue("at", out var iso) && DateTimeOffset.TryParse(iso, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var when)
                ? when
                : record.ReceivedAt;
            lines.Add(new PlayReportLine(
                playId,
                code,
                Sentence(text, code, playId, fields.GetValueOrDefault("by"), fields.GetValueOrDefault("reason")),
                clock.Full(at, culture),
                CommuneClock.Iso(at),
                newest && SoundingCodes.Contains(code)));
        }

        return new AudioPanel
        {
            HasAudio = node.Capabilities.Contains(Capabilities.Audio, StringComparer.Ordinal),
            State = audio is null ? null : text.Has("Audio.State." + audio.State) ? text["Audio.State." + audio.State] : audio.State,
            StateCode = audio?.State,
            PlayingClass = audio?.Class is { } playing ? ClassName(text, playing.ToString().ToLowerInvariant()) : null,
            Volume = audio?.VolumePercent is { } volume ? text.Format("Audio.VolumeValue", volume) : null,
            ClockOffset = health?.Clock.OffsetMs is { } offset ? text.Format("Audio.OffsetValue", offset.ToString("+0.0;−0.0;0.0", culture)) : null,
            ClockSource = health?.Clock.Source is { } source ? text.Has("ClockSource." + source) ? text["ClockSource." + source] : source : null,
            Reports = lines,
        };
    }

    private static string ClassName(UiText text, string code) => text.Has("Priority." + code) ? text["Priority." + code] : code;

    private static string Sentence(UiText text, string code, string? playId, string? by, string? reason)
    {
        var play = playId ?? "?";
        var key = "PlayReport." + code;
        if (!text.Has(key))
        {
            return text.Format("PlayReport.Other", play, code);
        }

        var sentence = text.Format(key, play, by ?? "?");
        return reason is null ? sentence
            : string.Concat(sentence, " ", text.Format("PlayReport.Reason", text.Has("PlayReason." + reason) ? text["PlayReason." + reason] : reason));
    }

    /// <summary>The node's "play=… at=… by=… reason=…" text as fields; words it does not know are kept, harmlessly.</summary>
    private static Dictionary<string, string> Fields(string? text)
    {
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var part in (text ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            var equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                fields.TryAdd(part[..equals], part[(equals + 1)..]);
            }
        }

        return fields;
    }
}
