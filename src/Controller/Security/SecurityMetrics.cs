using Prometheus;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>Metrics of signed control, in the Controller's registry (so <c>/metrics</c> exports them with the rest).</summary>
internal sealed class SecurityMetrics
{
    /// <summary>Refusal codes a node may report; anything else is counted as "other" so a hostile node cannot grow the label set.</summary>
    private static readonly HashSet<string> KnownReasons = new(StringComparer.Ordinal)
    {
        RefusalReasons.Malformed,
        RefusalReasons.UnknownKey,
        RefusalReasons.RevokedKey,
        RefusalReasons.BadSignature,
        RefusalReasons.KeyNotValid,
        RefusalReasons.WrongTarget,
        RefusalReasons.Expired,
        RefusalReasons.NotYetValid,
        RefusalReasons.Replayed,
        RefusalReasons.TooOld,
        RefusalReasons.TooManyCommands,
        RefusalReasons.ClockUntrusted,
        RefusalReasons.UnknownCommand,
        RefusalReasons.BadBody,
    };

    public SecurityMetrics(ControllerMetrics metrics)
    {
        var factory = Prometheus.Metrics.WithCustomRegistry(metrics.Registry);
        CommandsIssued = factory.CreateCounter("sl_commands_issued_total", "Signed commands issued, by type.", "type");
        CommandAcks = factory.CreateCounter(
            "sl_command_acks_total", "Command outcomes reported by nodes (first answer per node and command), by status and reason.", "status", "reason");
        CommandResends = factory.CreateCounter("sl_command_resends_total", "Commands sent again (signed anew, same id) to a node that had not answered.");
        NodeRefusals = factory.CreateCounter(
            "sl_node_security_refusals_total", "Commands nodes refused and reported as security.refused events, by reason.", "reason");
        ClockSyncReplies = factory.CreateCounter("sl_clock_sync_replies_total", "Signed clock-sync replies sent.");
        ClockSyncDropped = factory.CreateCounter(
            "sl_clock_sync_dropped_total", "Clock-sync requests not answered, by reason (rate-limited, no-key).", "reason");
    }

    public Counter CommandsIssued { get; }

    public Counter CommandAcks { get; }

    public Counter CommandResends { get; }

    public Counter NodeRefusals { get; }

    public Counter ClockSyncReplies { get; }

    public Counter ClockSyncDropped { get; }

    /// <summary>The metrics label for a refusal code a node reported.</summary>
    public static string ReasonLabel(string? reason) => reason is not null && KnownReasons.Contains(reason) ? reason : "other";
}
