using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Options;
using SmartLoudspeaker.Controller.Store;
using SmartLoudspeaker.Controller.Web.Control;
using SmartLoudspeaker.Controller.Web.Fleet;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Web;

/// <summary>
/// Server-sent events for the fleet pages. Each stream polls the fleet view once a second and sends only the nodes
/// whose state changed since it last looked (the fleet view replaces a node's record on every change, so "changed"
/// is a reference comparison), formatted in the stream's own language. Polling a snapshot instead of hooking the
/// registry keeps the web UI independent of how the registry is written, and costs one lock per second per viewer.
/// A node page's stream (<c>?node=</c>) also sends that node's commands whose outcome changed ("command" events, so an
/// acknowledgement turns "pending" into "done" without a reload) and its refusals when they change ("security").
/// </summary>
internal static class LiveEndpoints
{
    public const string FleetStreamPath = "/events/fleet";

    /// <summary>How often a stream looks at the fleet view: the delay between a change and the page showing it.</summary>
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);

    /// <summary>A comment this often keeps idle connections open through proxies and lets a dead client be noticed.</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>The browser's reconnect delay after a dropped stream (sent as the SSE "retry" field).</summary>
    private const int RetryMilliseconds = 2000;

    // Vietnamese letters are sent as they are: \u escapes would triple their size on a metered 4G link.
    private static readonly JsonSerializerOptions Json = new() { Encoder = JavaScriptEncoder.Create(UnicodeRanges.All) };

    public static void Map(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet(FleetStreamPath, StreamFleetAsync).ExcludeFromDescription();

    private static async Task StreamFleetAsync(
        HttpContext context,
        FleetRegistry fleet,
        IOptions<FleetOptions> fleetOptions,
        CommuneClock clock,
        TimeProvider time,
        IHostApplicationLifetime lifetime,
        ICommandLog commandLog,
        IFleetStore store)
    {
        var thresholds = fleetOptions.Value;
        var text = UiText.For(CultureInfo.CurrentCulture);
        var formatter = new NodeRowFormatter(text, clock, thresholds);
        var control = new ControlFormatter(text, clock);

        // Unusable filter values are ignored here: the page that opened the stream already explained them.
        var zones = fleet.Snapshot().SelectMany(node => node.Zones).ToHashSet(StringComparer.Ordinal);
        var query = FleetQuery.Parse(context.Request.Query, zones);
        var onlyNode = context.Request.Query["node"].FirstOrDefault();
        if (onlyNode is not null && !Identifiers.IsValid(onlyNode))
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache, no-transform";
        response.Headers["X-Accel-Buffering"] = "no";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, lifetime.ApplicationStopping);
        var token = stop.Token;
        var seen = new Dictionary<string, NodeState>(StringComparer.Ordinal);
        var sent = new Dictionary<string, string>(StringComparer.Ordinal);
        var sentCommands = new Dictionary<string, string>(StringComparer.Ordinal);
        string? sentSecurity = null;
        var lastWrite = time.GetUtcNow();
        using var timer = new PeriodicTimer(PollInterval, time);
        try
        {
            await response.WriteAsync($"retry: {RetryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n", token);
            await response.Body.FlushAsync(token);
            do
            {
                var wrote = false;
                foreach (var node in fleet.Snapshot())
                {
                    if ((onlyNode is not null && node.Id != onlyNode)
                        || (seen.TryGetValue(node.Id, out var previous) && ReferenceEquals(previous, node)))
                    {
                        continue;
                    }

                    seen[node.Id] = node;
                    var row = JsonSerializer.Serialize(formatter.Format(node, query.Matches(node, thresholds), onlyNode is null ? query : null), Json);
                    if (sent.TryGetValue(node.Id, out var last) && last == row)
                    {
                        continue;
                    }

                    sent[node.Id] = row;
                    await response.WriteAsync("event: node\ndata: " + row + "\n\n", token);
                    wrote = true;
                }

                var now = time.GetUtcNow();
                if (onlyNode is not null && seen.TryGetValue(onlyNode, out var shown))
                {
                    // The page rendered the commands and refusals of its load; only changes since then are news. The first
                    // round sends them all once, which also covers what happened between the page's load and the stream's start.
                    foreach (var record in commandLog.ForNode(onlyNode, ControlFormatter.CommandsShown).Reverse())
                    {
                        var line = JsonSerializer.Serialize(control.Format(record.View(now), onlyNode), Json);
                        if (!sentCommands.TryGetValue(record.Id, out var before) || before != line)
                        {
                            sentCommands[record.Id] = line;
                            await response.WriteAsync("event: command\ndata: " + line + "\n\n", token);
                            wrote = true;
                        }
                    }

                    var security = JsonSerializer.Serialize(control.Security(store.RecentEvents(onlyNode, thresholds.EventsPerNode), shown), Json);
                    if (security != sentSecurity)
                    {
                        sentSecurity = security;
                        await response.WriteAsync("event: security\ndata: " + security + "\n\n", token);
                        wrote = true;
                    }
                }

                if (!wrote && now - lastWrite >= KeepAliveInterval)
                {
                    await response.WriteAsync(": keep-alive\n\n", token);
                    wrote = true;
                }

                if (wrote)
                {
                    lastWrite = now;
                    await response.Body.FlushAsync(token);
                }
            }
            while (await timer.WaitForNextTickAsync(token));
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The viewer left or the controller is stopping: the browser reconnects by itself.
        }
    }
}
