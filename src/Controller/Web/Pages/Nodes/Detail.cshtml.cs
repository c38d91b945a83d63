using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Api;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Controller.Store;
using SmartLoudspeaker.Controller.Web.Charts;
using SmartLoudspeaker.Controller.Web.Control;
using SmartLoudspeaker.Controller.Web.Fleet;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Web.Pages.Nodes;

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
    TimeProvider time) : PageModel
{
    /// <summary>The range a technician may set; the node enforces the same (protocol: set-heartbeat 10–3600).</summary>
    public const int MinHeartbeatSeconds = 10;

    /// <inheritdoc cref="MinHeartbeatSeconds"/>
    public const int MaxHeartbeatSeconds = 3600;

    /// <summary>How many heartbeats without a report count as a gap in a chart (two missed reports, not one late one).</summary>
    private const int GapHeartbeats = 3;

    public string Id { get; private set; } = string.Empty;

    /// <summary>Null when no such node is known: the page then says so with a 404.</summary>
    public NodeState? Node { get; private set; }

    public NodeRow Row { get; private set; } = null!;

    public IReadOnlyList<NodeFault> Faults { get; private set; } = [];

    public IReadOnlyList<ChartView> Charts { get; private set; } = [];

    public IReadOnlyList<EventRecord> Events { get; private set; } = [];

    public int Samples { get; private set; }

    public DateTimeOffset? HistoryFrom { get; private set; }

    public DateTimeOffset? HistoryTo { get; private set; }

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

    /// <summary>The command just sent (from the redirect after the POST), announced at the top of the panel.</summary>
    public string? SentType { get; private set; }

    public void OnGet(string id, string? sent)
    {
        Load(id);
        if (Node is not null && sent is not null && commandLog.Find(sent) is { } record && record.Involves(Node.Id))
        {
            SentType = Control.TypeName(record.Command.Type);
        }
    }

    public Task<IActionResult> OnPostIdentifyAsync(string id) => IssueAsync(id, CommandCatalog.NameOf<IdentifyCommand>(), null);

    public Task<IActionResult> OnPostRebirthAsync(string id) => IssueAsync(id, CommandCatalog.NameOf<RebirthCommand>(), null);

    public Task<IActionResult> OnPostHeartbeatAsync(string id, string? seconds)
    {
        // Checked here, not only by the browser's min/max: a form can be posted without them, and the answer must say
        // what is allowed in the technician's language rather than come back as a node's "bad-body".
        if (!int.TryParse(seconds, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            || value is < MinHeartbeatSeconds or > MaxHeartbeatSeconds)
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

    private async Task<IActionResult> IssueAsync(string id, string type, JsonElement? body)
    {
        var node = Identifiers.IsValid(id) ? fleet.Find(id) : null;
        if (node is not null && commands.Unavailable() is null)
        {
            var result = await commands.IssueAsync(new CommandTarget { Node = node.Id }, type, body, HttpContext.RequestAborted);
            if (result.Failure == IssueFailure.None)
            {
                // Post/redirect/get: a reload does not send the command again, and the page shows it pending.
                return LocalRedirect($"/nodes/{node.Id}?sent={result.Command!.Id}#commands");
            }

            Load(id);
            CommandProblem = text.Format("Command.NotSent", result.Problem);
            Response.StatusCode = result.Failure == IssueFailure.Invalid ? StatusCodes.Status400BadRequest : StatusCodes.Status503ServiceUnavailable;
            return Page();
        }

        Load(id);
        if (Node is not null)
        {
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }

        return Page();
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
        Formatter = new NodeRowFormatter(text, clock, thresholds);
        Row = Formatter.Format(Node);
        Faults = FaultRules.Derive(Node, thresholds);
        Events = store.RecentEvents(id, thresholds.EventsPerNode);
        Security = Control.Security(Events, Node);

        var history = store.RecentHealth(id, thresholds.HistoryPerNode).OrderBy(record => record.ReceivedAt).ToArray();
        Samples = history.Length;
        if (history.Length == 0)
        {
            return;
        }

        HistoryFrom = history[0].ReceivedAt;
        HistoryTo = history[^1].ReceivedAt;
        var maxGap = Node.Heartbeat * GapHeartbeats;
        Charts =
        [
            Chart("Chart.Temperature", "Unit.Celsius", history, health => health.Cpu.TempC, maxGap),
            Chart("Chart.Signal", "Unit.Dbm", history, health => health.Link.SignalDbm, maxGap),
            Chart("Chart.ClockOffset", "Unit.Milliseconds", history, health => health.Clock.OffsetMs, maxGap, health => !health.Clock.Synced),
            Chart("Chart.Load", "Unit.Load", history, health => health.Cpu.Load1, maxGap),
        ];
    }

    private ChartView Chart(
        string titleKey,
        string unitKey,
        IReadOnlyList<HealthRecord> history,
        Func<NodeHealth, double?> value,
        TimeSpan maxGap,
        Func<NodeHealth, bool>? flagged = null)
    {
        var points = history
            .Select(record => new ChartPoint(record.ReceivedAt, value(record.Health), flagged?.Invoke(record.Health) ?? false))
            .ToArray();
        var values = points.Select(point => point.Value).OfType<double>().ToArray();
        var title = text[titleKey];
        string Figure(double figure) => text.Format(unitKey, figure);
        var summary = values.Length == 0
            ? text.Format("Chart.NoData", title)
            : text.Format("Chart.Summary", title, values.Length, Figure(values.Min()), Figure(values.Max()), Figure(values[^1]));
        var frame = SvgChart.FrameFor(points, HistoryFrom!.Value, HistoryTo!.Value);
        return new ChartView(
            title,
            summary,
            values.Length == 0 ? null : Figure(values.Max()),
            values.Length == 0 ? null : Figure(values.Min()),
            points.Any(point => point.Flagged),
            SvgChart.Render(points, frame, maxGap, summary));
    }
}
