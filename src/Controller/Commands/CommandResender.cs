using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Security;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// Triggers <see cref="CommandService.ResendDueAsync"/> on the injected clock. It looks four times per resend interval,
/// so a command is resent between one and 1.25 intervals after it was last sent, whatever its phase.
/// </summary>
internal sealed class CommandResender : BackgroundService
{
    private readonly CommandService _commands;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _period;
    private readonly ILogger<CommandResender> _logger;

    public CommandResender(CommandService commands, TimeProvider timeProvider, IOptions<SecurityOptions> options, ILogger<CommandResender> logger)
    {
        _commands = commands;
        _timeProvider = timeProvider;
        _period = options.Value.ResendInterval / 4;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_period, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await _commands.ResendDueAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is MQTTnet.Exceptions.MqttCommunicationException)
                {
                    _logger.LogDebug("Resending commands failed: {Message}; next round retries", exception.Message);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Host stopping.
        }
    }
}
