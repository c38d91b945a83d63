using System.Collections.Concurrent;
using SmartLoudspeaker.Node.Control.Handlers;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control;

/// <summary>
/// Carries out verified commands through the handler registered for their type, each on its own task: the gate hands a
/// command over and goes on verifying the next, so an emergency is verified and started while a slow command runs.
/// </summary>
internal sealed class CommandDispatcher
{
    private readonly Dictionary<string, ICommandHandler> _handlers = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _running = new(StringComparer.Ordinal);
    private readonly ILogger _logger;

    /// <summary>Registers <paramref name="handlers"/> by type; a later one for the same type replaces an earlier one.</summary>
    public CommandDispatcher(IEnumerable<ICommandHandler> handlers, ILogger logger)
    {
        _logger = logger;
        foreach (var handler in handlers)
        {
            _handlers[handler.Type] = handler;
        }
    }

    /// <summary>Whether the command with <paramref name="id"/> is being carried out now (its ack is still to come).</summary>
    public bool IsRunning(string id) => _running.ContainsKey(id);

    /// <summary>
    /// Starts <paramref name="command"/> and returns at once; <paramref name="finished"/> gets its outcome when it is
    /// done. Nothing is reported when <paramref name="stop"/> ends it: the outcome stays under way, as after a power cut.
    /// </summary>
    public void Start(SignedCommand command, TrustedTime time, CommandOutcome started, Func<CommandOutcome, Task> finished, CancellationToken stop)
    {
        _running[command.Id] = true;
        _ = Task.Run(
            async () =>
            {
                try
                {
                    var outcome = await RunAsync(command, time, started, stop).ConfigureAwait(false);
                    if (outcome is not null)
                    {
                        await finished(outcome).ConfigureAwait(false);
                    }
                }
#pragma warning disable CA1031 // A failed publish of the ack must not go unobserved; the resend gets the answer.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    _logger.LogWarning(exception, "Finishing command {Id} failed", command.Id);
                }
                finally
                {
                    _running.TryRemove(command.Id, out _);
                }
            },
            CancellationToken.None);
    }

    private async Task<CommandOutcome?> RunAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken stop)
    {
        if (!_handlers.TryGetValue(command.Type, out var handler))
        {
            // Known to the catalogue (the verifier checked) but not carried out by this build.
            return started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.UnknownCommand };
        }

        try
        {
            return await handler.HandleAsync(command, time, started, stop).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return null;
        }
#pragma warning disable CA1031 // A faulty handler fails its own command, never the node.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning(exception, "Command {Id} ({Type}) failed in its handler", command.Id, command.Type);
            return started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.Interrupted };
        }
    }
}
