using System.Text.Json;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Control.Handlers;

/// <summary>
/// "set-quiet-hours": keeps the commune's window durably and enforces it from now on. The result names the version the
/// node holds afterwards, which is the newer one it already had when an older version arrives late.
/// </summary>
internal sealed class SetQuietHoursHandler(QuietHoursPolicy policy) : ICommandHandler
{
    /// <inheritdoc />
    public string Type { get; } = CommandCatalog.NameOf<SetQuietHoursCommand>();

    /// <inheritdoc />
    public Task<CommandOutcome> HandleAsync(SignedCommand command, TrustedTime time, CommandOutcome started, CancellationToken cancellationToken)
    {
        if (CommandCatalog.ReadBody<SetQuietHoursCommand>(command) is not { } body || QuietHoursSetting.From(body) is not { } setting)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.BadBody });
        }

        try
        {
            policy.Apply(setting);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return Task.FromResult(started with { Status = CommandAckStatus.Failed, Reason = RefusalReasons.StorageFailed });
        }

        var held = policy.Setting;
        var result = JsonSerializer.SerializeToElement(new QuietHoursHealth { Version = held.Version, Active = policy.IsActive }, Protocol.ProtocolJsonContext.Default.QuietHoursHealth);
        return Task.FromResult(started with { Status = CommandAckStatus.Done, Result = result });
    }
}
