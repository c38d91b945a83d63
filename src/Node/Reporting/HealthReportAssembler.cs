using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Reporting;

/// <summary>
/// Assembles one <see cref="NodeHealth"/>: the session's numbers (seq, bdSeq, broker, connections), the time and the
/// uptime, then each contributor's part in the order given. A contributor that fails, or a report without the parts the
/// wire requires (processor, memory, clock), skips that report rather than sending one with invented values.
/// </summary>
internal sealed class HealthReportAssembler
{
    private readonly string _nodeId;
    private readonly IReadOnlyList<IHealthContributor> _contributors;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    /// <param name="nodeId">The node's id, for the log.</param>
    /// <param name="contributors">Who fills which part, in order: the system readings before the clock that refines them.</param>
    /// <param name="time">The node's clock.</param>
    /// <param name="logger">Where skipped reports are told.</param>
    public HealthReportAssembler(string nodeId, IReadOnlyList<IHealthContributor> contributors, TimeProvider time, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(contributors);
        _nodeId = nodeId;
        _contributors = contributors;
        _time = time;
        _logger = logger;
    }

    /// <summary>The report for <paramref name="session"/>, or null when it is skipped (the reason is logged).</summary>
    /// <param name="session">The session carrying it; its seq advances only when a report is made.</param>
    /// <param name="connections">Successful connections since the agent started.</param>
    /// <param name="uptimeSeconds">Seconds since the agent started.</param>
    /// <param name="cancellationToken">Ends the reading when the session ends.</param>
    public async Task<NodeHealth?> AssembleAsync(ReportContext session, int connections, long uptimeSeconds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        var draft = new HealthReportDraft();
        foreach (var contributor in _contributors)
        {
            try
            {
                await contributor.ContributeAsync(draft, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // A broken sensor skips one report; it must not end the connection.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                _logger.LogWarning(exception, "Node {NodeId}: health reading failed; report skipped", _nodeId);
                return null;
            }
        }

        if (draft is not { Cpu: { } cpu, Memory: { } memory, Clock: { } clock })
        {
            _logger.LogWarning("Node {NodeId}: no contributor reported the processor, memory and clock; report skipped", _nodeId);
            return null;
        }

        return new NodeHealth
        {
            Seq = session.NextSeq(),
            BdSeq = session.BdSeq,
            Ts = _time.GetUtcNow(),
            UptimeSeconds = uptimeSeconds,
            Cpu = cpu,
            Memory = memory,
            Link = new LinkHealth
            {
                Type = draft.LinkType,
                SignalDbm = draft.SignalDbm,
                Broker = session.BrokerIndex,
                Connections = connections,
            },
            Clock = clock,
            Relays = draft.Relays,
            Inputs = draft.Inputs,
            Audio = draft.Audio,
            RefusedCommands = draft.RefusedCommands,
            QuietHours = draft.QuietHours,
        };
    }
}
