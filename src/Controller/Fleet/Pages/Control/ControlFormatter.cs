using System.Globalization;
using System.Text.Json;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Web;
using SmartLoudspeaker.Controller.Web.Localization;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;

namespace SmartLoudspeaker.Controller.Fleet.Pages.Control;

/// <summary>Turns commands, their outcomes and a node's refusals into the words a technician reads, in one culture and time zone.</summary>
internal sealed class ControlFormatter(UiText text, CommuneClock clock)
{
    /// <summary>Commands a node page lists: enough to see what was just done, few enough to stay light on 4G.</summary>
    public const int CommandsShown = 8;

    /// <summary>Refusals a node page lists in detail; the count covers all recent ones.</summary>
    public const int RefusalsShown = 5;

    public CommandLine Format(CommandView command, string nodeId)
    {
        ArgumentNullException.ThrowIfNull(command);
        var outcome = command.Outcomes.FirstOrDefault(candidate => candidate.NodeId == nodeId);
        var status = outcome?.Status ?? "pending";
        var typeName = TypeName(command.Type);
        var reason = outcome?.Reason is { } code ? ReasonName(code) : string.Empty;
        var statusName = text.Has("CommandStatus." + status) ? text["CommandStatus." + status] : status;
        return new CommandLine
        {
            Id = command.Id,
            Status = status,
            Fields = new Dictionary<string, string>(StringComparer.Ordinal)
            {
                ["type"] = typeName,
                ["at"] = clock.Short(command.IssuedAt, text.Culture),
                ["status"] = statusName,
                ["reason"] = reason,

                // The sentence of the "command sent" announcement, so that it follows the outcome live.
                ["outcome"] = status switch
                {
                    "done" => text.Format("Command.Outcome.done", typeName),
                    "refused" or "failed" => text.Format("Command.Outcome.refused", typeName, reason.Length > 0 ? reason : statusName),
                    "unanswered" => text.Format("Command.Outcome.unanswered", typeName, clock.Short(command.ExpiresAt, text.Culture)),
                    _ => text.Format("Command.Outcome.pending", typeName, clock.Short(command.ExpiresAt, text.Culture)),
                },
                ["kid"] = command.Seqs.Count > 1
                    ? text.Format("Command.SignedByResent", command.Kid, command.Seq, command.Seqs.Count - 1, command.Seqs[^1])
                    : text.Format("Command.SignedBy", command.Kid, command.Seq),
            },
            Identity = status == "done" && outcome?.Result is { ValueKind: JsonValueKind.Object } result ? Identity(result) : [],
        };
    }

    public string TypeName(string type) => text.Has("CommandType." + type) ? text["CommandType." + type] : type;

    /// <summary>Every <see cref="RefusalReasons"/> code has a name in both languages (a test checks); a future code still reads sensibly.</summary>
    public string ReasonName(string code) => text.Has("Refusal." + code) ? text["Refusal." + code] : text.Format("Refusal.Other", code);

    public SecuritySummary Security(IEnumerable<EventRecord> recentEvents, NodeState node)
    {
        ArgumentNullException.ThrowIfNull(recentEvents);
        ArgumentNullException.ThrowIfNull(node);
        var refusals = recentEvents
            .Where(record => record.Event.Kind == ControlMessageRouter.SecurityRefusedKind)
            .OrderByDescending(record => record.ReceivedAt)
            .ToList();
        var sinceStart = node.Health?.RefusedCommands;
        return new SecuritySummary
        {
            Count = refusals.Count,
            Headline = text.Format("Security.Headline", refusals.Count),
            SinceStart = sinceStart is { } count ? text.Format("Security.SinceStart", count) : string.Empty,
            Lines = refusals.Take(RefusalsShown).Select(record => new SecurityLine
            {
                At = clock.Full(record.ReceivedAt, text.Culture),
                Iso = CommuneClock.Iso(record.ReceivedAt),
                Code = record.Event.Code ?? string.Empty,
                Reason = ReasonName(record.Event.Code ?? "unknown"),
                Text = record.Event.Text ?? string.Empty,
            }).ToArray(),
        };
    }

    private IReadOnlyList<IReadOnlyList<string>> Identity(JsonElement result)
    {
        NodeIdentity? identity;
        try
        {
            identity = result.Deserialize(ProtocolJsonContext.Default.NodeIdentity);
        }
        catch (JsonException)
        {
            // A node of another version answered something else: the outcome still shows, without the details.
            return [];
        }

        if (identity is null)
        {
            return [];
        }

        var uptime = TimeSpan.FromSeconds(identity.UptimeSeconds);
        return
        [
            [text["Identity.Software"], identity.Software],
            [text["Identity.Model"], identity.Model],
            [text["Identity.Session"], identity.BdSeq.ToString(text.Culture)],
            [text["Identity.Uptime"], text.Format("Unit.Uptime", (long)uptime.TotalHours, uptime.Minutes, uptime.Seconds)],
            [text["Identity.ClockTrusted"], text[identity.ClockTrusted ? "Identity.Yes" : "Identity.No"]],
            [text["Identity.HighWater"], identity.CommandHighWater.ToString(CultureInfo.InvariantCulture)],
        ];
    }
}
