using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet.Api;
using SmartLoudspeaker.Controller.Fleet.Pages.Charts;
using SmartLoudspeaker.Controller.Fleet.Pages.Control;
using SmartLoudspeaker.Controller.Fleet.Pages.Rows;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Controller.Zones;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Nodes;

/// <summary>
/// One node: its state, what it refused (security), the commands a technician can send and their outcomes, faults,
/// health history as charts, and recent events. Commands are plain forms (POST, antiforgery token, then a redirect back
/// to the page), so they work without JavaScript; the live stream only keeps the outcomes current.
/// </summary>
internal sealed class DetailModel(
    FleetRegistry fleet,
    IFleetStore store,
    IOptions<FleetOptions> options,
    UiText text,
    CommuneClock clock,
    CommandService commands,
    ICommandLog commandLog,
    IOptions<SecurityOptions> security,
    TimeProvider time,
    IZoneNames zones,
    AuditTrail audit) : PageModel
{
    /// <summary>The shortest heartbeat a technician may set: the protocol's own, which the node enforces too.</summary>
    public const int MinHeartbeatSeconds = SetHeartbeatCommand.MinSeconds;

    /// <summary>The longest heartbeat a technician may set: Fleet:MaxHeartbeat, within the protocol's maximum.</summary>
    public int MaxHeartbeatSeconds => options.Value.MaxHeartbeatSeconds;

    /// <summary>How many heartbeats without a report count as a gap in a chart (two missed reports, not one late one).</summary>
    private const int GapHeartbeats = 3;

    /// <summary>
    /// Most raw reports one page reads: a day at the shortest heartbeat a technician may set (10 s) is 8640. Past it,
    /// the newest are read.
    /// </summary>
    private const int MaxRawReports = 10_000;

    /// <summary>Most hourly aggregates one page reads: the longest range, 30 days, plus the hour it starts in.</summary>
    private const int MaxHours = (30 * 24) + 1;

    /// <summary>How far back the not-yet-aggregated raw reports are summarised (maintenance runs every few minutes).</summary>
    private static readonly TimeSpan TailHours = TimeSpan.FromHours(3);

    public string Id { get; private set; } = string.Empty;

    /// <summary>Null when no such node is known: the page then says so with a 404.</summary>
    public NodeState? Node { get; private set; }

    public NodeRow Row { get; private set; } = null!;

    public IReadOnlyList<NodeFault> Faults { get; private set; } = [];

    public IReadOnlyList<ChartView> Charts { get; private set; } = [];

    public IReadOnlyList<EventRecord> Events { get; private set; } = [];

    /// <summary>Reports the charts cover (for hourly ranges, the reports summed over the hours).</summary>
    public int Samples { get; private set; }

    /// <summary>The span of history shown, from <c>?range=</c>.</summary>
    public HistoryRange Range { get; private set; } = HistoryRange.Default;

    /// <summary>Why the asked range was not understood (the page then shows the default), or null.</summary>
    public string? RangeProblem { get; private set; }

    public DateTimeOffset HistoryFrom { get; private set; }

    public DateTimeOffset HistoryTo { get; private set; }

    public NodeRowFormatter Formatter { get; private set; } = null!;

    public ControlFormatter Control { get; private set; } = null!;

    /// <summary>Why commands cannot be sent (no signing key), or null when the buttons are shown.</summary>
    public bool CommandsUnavailable { get; private set; }

    /// <summary>The node's recent commands, newest first.</summary>
    public IReadOnlyList<CommandLine> Commands { get; private set; } = [];

    public SecuritySummary Security { get; private set; } = null!;

    /// <summary>What the technician typed for the heartbeat, shown again with <see cref="HeartbeatProblem"/>.</summary>
    public string? HeartbeatInput { get; private set; }

    public string? HeartbeatProblem { get; private set; }

    /// <summary>A problem issuing a command (e.g. the Controller cannot sign now), for the command panel.</summary>
    public string? CommandProblem { get; private set; }

    /// <summary>
    /// The id of the command just sent, handed from the POST to the page it redirects to. TempData is read once: a
    /// reload, a bookmark or a shared link does not announce the command again (a "?sent=" in the address did).
    /// </summary>
    [TempData]
    public string? SentCommandId { get; set; }

    /// <summary>The command just sent with its outcome so far, announced at the top of the panel and kept current live; or null.</summary>
    public CommandLine? Sent { get; private set; }

    /// <summary>What happens to a command sent to this node while it is offline, in words (resend period, lifetime).</summary>
    public string OfflineExplanation { get; private set; } = string.Empty;

    /// <summary>The hardware model as people read it ("simulated" translated).</summary>
    public string HardwareName { get; private set; } = string.Empty;

    /// <summary>The audio section: output state, Controller-clock figures, recent plays.</summary>
    public AudioPanel Audio { get; private set; } = null!;

    /// <summary>What the technician typed for the test tone, shown again with <see cref="ToneProblem"/>.</summary>
    public (string? Seconds, string? FrequencyHz) ToneInput { get; private set; }

    public string? ToneProblem { get; private set; }

    /// <summary>
    /// The play id of the test tone just sent, handed from the POST to the page it redirects to, so the page can offer
    /// to stop it before its first report arrives.
    /// </summary>
    [TempData]
    public string? SentToneId { get; set; }

    public void OnGet(string id, string? range)
    {
        if (range is null || HistoryRange.Find(range) is not { } chosen)
        {
            // An unknown range still gets the page, with the default range: a mistyped link must not cost the
            // technician the page. The value is cut short so that an absurd query cannot bloat the message.
            RangeProblem = range is null ? null : text.Format(
                "Range.Invalid", range.Length > 20 ? string.Concat(range.AsSpan(0, 20), "…") : range, text["Range." + HistoryRange.Default.Key]);
        }
        else
        {
            Range = chosen;
        }

        Load(id);
        if (Node is not null && RangeProblem is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        if (Node is not null && SentCommandId is { } sent && commandLog.Find(sent) is { } record && record.Involves(Node.Id))
        {
            Sent = Control.Format(record.View(time.GetUtcNow()), Node.Id);
        }
    }

    public Task<IActionResult> OnPostIdentifyAsync(string id) => IssueAsync(id, CommandCatalog.NameOf<IdentifyCommand>(), null);

    public Task<IActionResult> OnPostRebirthAsync(string id) => IssueAsync(id, CommandCatalog.NameOf<RebirthCommand>(), null);

    public Task<IActionResult> OnPostHeartbeatAsync(string id, string? seconds)
    {
        // Checked here, not only by the browser's min/max: a form can be posted without them, and the answer must say
        // what is allowed in the technician's language rather than come back as a node's "bad-body".
        if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || new SetHeartbeatCommand { HeartbeatSeconds = value }.ValidateUpTo(MaxHeartbeatSeconds) is not null)
        {
            Load(id);
            if (Node is null)
            {
                return Task.FromResult<IActionResult>(Page());
            }

            HeartbeatInput = seconds;
            HeartbeatProblem = text.Format("Command.HeartbeatInvalid", MinHeartbeatSeconds, MaxHeartbeatSeconds, seconds ?? string.Empty);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.FromResult<IActionResult>(Page());
        }

        var body = JsonSerializer.SerializeToElement(new SetHeartbeatCommand { HeartbeatSeconds = value }, ProtocolJsonContext.Default.SetHeartbeatCommand);
        return IssueAsync(id, CommandCatalog.NameOf<SetHeartbeatCommand>(), body);
    }

    public Task<IActionResult> OnPostToneAsync(string id, string? seconds, string? frequency)
    {
        // Checked here, as the heartbeat is: the answer must say what is allowed in the technician's language.
        if (!TestTone.TryCreate(seconds, frequency, time.GetUtcNow(), out var tone))
        {
            Load(id);
            if (Node is null)
            {
                return Task.FromResult<IActionResult>(Page());
            }

            ToneInput = (seconds, frequency);
            ToneProblem = text.Format(
                "Audio.ToneInvalid", TestTone.MinSeconds, TestTone.MaxSeconds, PlayToneCommand.MinFrequencyHz, PlayToneCommand.MaxFrequencyHz);
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Task.FromResult<IActionResult>(Page());
        }

        SentToneId = tone!.PlayId;
        var body = JsonSerializer.SerializeToElement(tone, ProtocolJsonContext.Default.PlayToneCommand);
        return IssueAsync(id, CommandCatalog.NameOf<PlayToneCommand>(), body, "audio");
    }

    public Task<IActionResult> OnPostStopToneAsync(string id, string? playId)
    {
        var stop = new StopPlayCommand { PlayId = playId ?? string.Empty };
        if (stop.Validate() is not null)
        {
            Load(id);
            if (Node is not null)
            {
                ToneProblem = text["Audio.StopInvalid"];
                Response.StatusCode = StatusCodes.Status400BadRequest;
            }

            return Task.FromResult<IActionResult>(Page());
        }

        var body = JsonSerializer.SerializeToElement(stop, ProtocolJsonContext.Default.StopPlayCommand);
        return IssueAsync(id, CommandCatalog.NameOf<StopPlayCommand>(), body, "audio");
    }

    private async Task<IActionResult> IssueAsync(string id, string type, JsonElement? body, string fragment = "commands")
    {
        var node = Identifiers.IsValid(id) ? fleet.Find(id) : null;
        if (node is not null && commands.Unavailable() is null)
        {
            var target = new CommandTarget { Node = node.Id };
            var result = await commands.IssueAsync(target, type, body, HttpContext.RequestAborted);
            await CommandAudit.RecordAsync(audit, HttpContext, target, type, result);
            if (result.Failure == IssueFailure.None)
            {
                // Post/redirect/get: a reload does not send the command again, and the page shows it pending.
                SentCommandId = result.Command!.Id;
                return LocalRedirect($"/nodes/{node.Id}#{fragment}");
            }

            SentToneId = null;
            Load(id);
            CommandProblem = text.Format("Command.NotSent", result.Problem);
            Response.StatusCode = result.Failure == IssueFailure.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status503ServiceUnavailable;
            return Page();
        }

        SentToneId = null;
        Load(id);
        if (Node is not null)
        {
            await CommandAudit.RecordAsync(audit, HttpContext, new CommandTarget { Node = Node.Id }, type, IssueResult.Unavailable(commands.Unavailable() ?? "unavailable"));
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }

        return Page();
    }

    /// <summary>An event kind in the page's language; a kind this version does not know stays as the node sent it.</summary>
    public string EventKindName(string kind) => text.Has("EventKind." + kind) ? text["EventKind." + kind] : kind;

    /// <summary>
    /// An event's detail in the page's language. Where the node writes its text itself in English (refusals, the
    /// emergency test), a sentence of ours keyed by kind says what happened and the node's text follows as a note,
    /// marked English; elsewhere the text is the installer's own (a fault description in Vietnamese) and shown as is.
    /// </summary>
    public (string Detail, string? NodeText) EventDetail(NodeEvent nodeEvent)
    {
        ArgumentNullException.ThrowIfNull(nodeEvent);
        var code = nodeEvent.Code is not { Length: > 0 } value ? null
            : nodeEvent.Kind == ControlMessageRouter.SecurityRefusedKind ? Control.ReasonName(value)
            : text.Has("EventCode." + value) ? text["EventCode." + value]
            : text.Has("Fault." + value) ? text["Fault." + value]
            : value;
        if (text.Has("EventText." + nodeEvent.Kind))
        {
            return (text.Format("EventText." + nodeEvent.Kind, code ?? string.Empty), string.IsNullOrEmpty(nodeEvent.Text) ? null : nodeEvent.Text);
        }

        return (string.Join(" — ", new[] { code, nodeEvent.Text }.Where(part => !string.IsNullOrEmpty(part))), null);
    }

    private void Load(string id)
    {
        Id = id;
        Node = Identifiers.IsValid(id) ? fleet.Find(id) : null;
        if (Node is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        Control = new ControlFormatter(text, clock);
        CommandsUnavailable = commands.Unavailable() is not null;
        var now = time.GetUtcNow();
        Commands = commandLog.ForNode(id, ControlFormatter.CommandsShown).Select(record => Control.Format(record.View(now), id)).ToArray();

        var thresholds = options.Value;
        Formatter = new NodeRowFormatter(text, clock, thresholds, zones);
        Row = Formatter.Format(Node);
        HardwareName = text.Has("Hardware." + Node.Hardware.Model) ? text["Hardware." + Node.Hardware.Model] : Node.Hardware.Model;
        var resend = security.Value.ResendInterval;
        var lifetime = security.Value.CommandLifetime;
        OfflineExplanation = text.Format("Command.OfflineExplain", resend.TotalSeconds, lifetime.TotalMinutes);
        Faults = FaultRules.Derive(Node, thresholds);
        Events = store.RecentEvents(id, thresholds.EventsPerNode);
        Security = Control.Security(Events, Node);
        Audio = AudioPanel.For(Node, Events, text, clock);

        LoadHistory(Node, now);
    }

    private void LoadHistory(NodeState node, DateTimeOffset now)
    {
        HistoryTo = now;
        HistoryFrom = now - Range.Span;
        var ticks = TimeAxis.Ticks(HistoryFrom, HistoryTo, Range.TickStep, clock.Zone);
        if (Range.Hourly)
        {
            var hours = store.HourlyBetween(node.Id, RetentionPlanner.FloorHour(HistoryFrom), now, MaxHours).ToList();

            // Maintenance aggregates complete hours every few minutes, so the newest hour or two exist only as raw
            // reports; they are summarised here the same way. The bound keeps a month's chart from reading days of raw
            // reports when a node has no aggregate yet.
            var tailFrom = RetentionPlanner.FloorHour(now) - TailHours;
            if (hours.Count > 0 && hours[^1].Hour.AddHours(1) > tailFrom)
            {
                tailFrom = hours[^1].Hour.AddHours(1);
            }

            hours.AddRange(HealthSeries.Aggregate(store.HealthBetween(node.Id, tailFrom, now.AddTicks(1), MaxRawReports)));
            Samples = hours.Sum(hour => hour.Samples);
            if (Samples == 0)
            {
                return;
            }

            Charts =
            [
                Chart("Chart.Temperature", "Unit.Celsius", HealthSeries.FromHourly(hours, hour => hour.CpuTempC), ticks),
                Chart("Chart.Signal", "Unit.Dbm", HealthSeries.FromHourly(hours, hour => hour.SignalDbm), ticks),
                Chart("Chart.ClockSynced", "Unit.Percent", HealthSeries.ClockSyncedPercent(hours), ticks, "Chart.ClockPartlySyncedMarks", (0, 100)),
                Chart("Chart.Load", "Unit.Load", HealthSeries.FromHourly(hours, hour => hour.Load1), ticks, floor: 0),
            ];
            return;
        }

        IReadOnlyList<HealthRecord> history = store.HealthBetween(node.Id, HistoryFrom, now.AddTicks(1), MaxRawReports + 1);
        if (history.Count > MaxRawReports)
        {
            // More reports than a page should read (a very short heartbeat): the newest ones matter most.
            history = store.RecentHealth(node.Id, MaxRawReports).Where(record => record.ReceivedAt >= HistoryFrom).OrderBy(record => record.ReceivedAt).ToArray();
        }

        Samples = history.Count;
        if (Samples == 0)
        {
            return;
        }

        var maxGap = node.Heartbeat * GapHeartbeats;
        Charts =
        [
            Chart("Chart.Temperature", "Unit.Celsius", HealthSeries.FromRaw(history, health => health.Cpu.TempC, null, HistoryFrom, HistoryTo, maxGap), ticks),
            Chart("Chart.Signal", "Unit.Dbm", HealthSeries.FromRaw(history, health => health.Link.SignalDbm, null, HistoryFrom, HistoryTo, maxGap), ticks),
            Chart(
                "Chart.ClockOffset",
                "Unit.Milliseconds",
                HealthSeries.FromRaw(history, health => health.Clock.OffsetMs, health => !health.Clock.Synced, HistoryFrom, HistoryTo, maxGap),
                ticks,
                "Chart.ClockNotSyncedMarks"),
            Chart("Chart.Load", "Unit.Load", HealthSeries.FromRaw(history, health => health.Cpu.Load1, null, HistoryFrom, HistoryTo, maxGap), ticks, floor: 0),
        ];
    }

    private ChartView Chart(
        string titleKey,
        string unitKey,
        ChartSeries series,
        IReadOnlyList<DateTimeOffset> ticks,
        string? flagsKey = null,
        (double Min, double Max)? fixedRange = null,
        double? floor = null)
    {
        var title = text[titleKey];
        string Figure(double figure) => text.Format(unitKey, figure);
        var summary = series.Min is { } min && series.Avg is { } avg && series.Max is { } max
            ? text.Format("Chart.Summary", title, Figure(min), Figure(avg), Figure(max), series.Samples)
            : text.Format("Chart.NoData", title);
        var frame = fixedRange is { } range
            ? SvgChart.FixedFrame(HistoryFrom, HistoryTo, range.Min, range.Max)
            : SvgChart.FrameFor(series.Points, HistoryFrom, HistoryTo, floor);
        var hasData = series.Min is not null;
        return new ChartView(
            title,
            summary,
            hasData ? Figure(frame.Max) : null,
            hasData ? Figure(frame.Min) : null,
            flagsKey is not null && series.Points.Any(point => point.Flagged) ? text[flagsKey] : null,
            SvgChart.Render(series.Points, frame, series.MaxGap, title, summary, "chart-" + titleKey[(titleKey.IndexOf('.', StringComparison.Ordinal) + 1)..].ToLowerInvariant(), ticks),
            ticks.Select(tick => Tick(frame, tick)).ToArray());
    }

    private ChartTick Tick(ChartFrame frame, DateTimeOffset tick)
    {
        var local = clock.ToCommune(tick);
        var label = Range.TickStep >= TimeSpan.FromDays(1)
            ? local.ToString(text["Chart.DayTick"], text.Culture)
            : local.ToString("HH:mm", text.Culture);
        var left = (frame.X(tick) / SvgChart.Width * 100).ToString("0.#", CultureInfo.InvariantCulture) + "%";
        return new ChartTick(left, label, CommuneClock.Iso(tick));
    }
}
