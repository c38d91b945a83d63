using System.Diagnostics;
using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Unicode;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet.Pages.Control;
using SmartLoudspeaker.Controller.Fleet.Pages.Nodes;
using SmartLoudspeaker.Controller.Fleet.Pages.Rows;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Live;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Controller.Zones;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Fleet.Pages;

/// <summary>
/// Server-sent events for the technician's fleet pages. Each stream subscribes to the one <see cref="FleetChangeFeed"/> and sends
/// the nodes whose record changed (only when the row's words changed), formatted in the stream's own language; it
/// starts, and after a resync restarts, from the fleet view. Nothing is polled: a quiet fleet costs a keep-alive.
/// A node page's stream (<c>?node=</c>) also sends that node's commands whose outcome changed ("command" events, so an
/// acknowledgement turns "pending" into "done" without a reload) and its refusals when they change ("security"); a
/// pending command is looked at again when it expires, since "unanswered" follows from time alone.
/// </summary>
internal static class FleetStreamEndpoints
{
    public const string FleetStreamPath = "/events/fleet";

    /// <summary>A comment this often keeps idle connections open through proxies and lets a dead client be noticed.</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Under load a stream writes at most this often, taking everything that changed meanwhile in one flush: 500 streams
    /// each flushing every single change cost more than the changes. Real time, not the TimeProvider: it is throughput,
    /// not anything a page shows. A change after a quiet spell goes out at once.
    /// </summary>
    private static readonly TimeSpan Batch = TimeSpan.FromMilliseconds(200);

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
        IFleetStore store,
        FleetChangeFeed feed,
        IZoneNames zoneNames)
    {
        var thresholds = fleetOptions.Value;
        var text = UiText.For(CultureInfo.CurrentCulture);
        var formatter = new NodeRowFormatter(text, clock, thresholds, zoneNames);
        var controlText = new ControlFormatter(text, clock);

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

        // Subscribed before the first look at the fleet view, so that nothing changes unseen in between.
        using var subscription = feed.Subscribe(onlyNode);
        var seen = new Dictionary<string, NodeState>(StringComparer.Ordinal);
        var sent = new Dictionary<string, string>(StringComparer.Ordinal);
        var sentCommands = new Dictionary<string, string>(StringComparer.Ordinal);
        string? sentSecurity = null;
        string? sentAudio = null;
        var lastWrite = time.GetUtcNow();
        var lastFlush = 0L;
        DateTimeOffset? nextExpiry = null;
        IReadOnlyCollection<NodeState> changed = fleet.Snapshot();
        var control = onlyNode is not null;
        try
        {
            await response.WriteAsync($"retry: {RetryMilliseconds.ToString(CultureInfo.InvariantCulture)}\n\n", token);
            await response.Body.FlushAsync(token);
            while (true)
            {
                var wrote = false;
                foreach (var node in changed)
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
                if (control && onlyNode is not null && seen.TryGetValue(onlyNode, out var shown))
                {
                    // The page rendered the commands and refusals of its load; only changes since then are news. The first
                    // round sends them all once, which also covers what happened between the page's load and the stream's start.
                    nextExpiry = null;
                    foreach (var record in commandLog.ForNode(onlyNode, ControlFormatter.CommandsShown).Reverse())
                    {
                        var view = record.View(now);
                        if (view.Outcomes.Any(outcome => outcome.Status == "pending") && (nextExpiry is null || view.ExpiresAt < nextExpiry))
                        {
                            nextExpiry = view.ExpiresAt;
                        }

                        var line = JsonSerializer.Serialize(controlText.Format(view, onlyNode), Json);
                        if (!sentCommands.TryGetValue(record.Id, out var before) || before != line)
                        {
                            sentCommands[record.Id] = line;
                            await response.WriteAsync("event: command\ndata: " + line + "\n\n", token);
                            wrote = true;
                        }
                    }

                    var events = store.RecentEvents(onlyNode, thresholds.EventsPerNode);
                    var security = JsonSerializer.Serialize(controlText.Security(events, shown), Json);
                    if (security != sentSecurity)
                    {
                        sentSecurity = security;
                        await response.WriteAsync("event: security\ndata: " + security + "\n\n", token);
                        wrote = true;
                    }

                    var audio = JsonSerializer.Serialize(AudioPanel.For(shown, events, text, clock).Update(), Json);
                    if (audio != sentAudio)
                    {
                        sentAudio = audio;
                        await response.WriteAsync("event: audio\ndata: " + audio + "\n\n", token);
                        wrote = true;
                    }
                }

                if (wrote)
                {
                    lastWrite = now;
                    lastFlush = Stopwatch.GetTimestamp();
                    await response.Body.FlushAsync(token);
                }

                // Until a change, the keep-alive's time or a pending command's expiry (just after it: "now > exp").
                var wake = lastWrite + KeepAliveInterval;
                if (nextExpiry is { } expiry && expiry + TimeSpan.FromMilliseconds(1) < wake)
                {
                    wake = expiry + TimeSpan.FromMilliseconds(1);
                }

                var offered = await WaitAsync(subscription, wake - time.GetUtcNow(), time, token);
                if (offered && Stopwatch.GetElapsedTime(lastFlush) is var since && since < Batch)
                {
                    await Task.Delay(Batch - since, token);
                }

                now = time.GetUtcNow();
                var (nodes, resync, controlChanged) = subscription.Take();
                changed = resync ? fleet.Snapshot() : nodes;
                control = controlChanged || resync || (nextExpiry is { } due && now > due);
                if (!offered && now - lastWrite >= KeepAliveInterval)
                {
                    await response.WriteAsync(": keep-alive\n\n", token);
                    await response.Body.FlushAsync(token);
                    lastWrite = now;
                }
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The viewer left or the controller is stopping: the browser reconnects by itself.
        }
    }

    /// <summary>True when the feed offered something, false when <paramref name="delay"/> passed first.</summary>
    private static async Task<bool> WaitAsync(FleetSubscription subscription, TimeSpan delay, TimeProvider time, CancellationToken token)
    {
        if (delay <= TimeSpan.Zero)
        {
            return false;
        }

        using var timeout = new CancellationTokenSource(delay, time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        try
        {
            await subscription.WaitAsync(either.Token);
            return true;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return false;
        }
    }
}
