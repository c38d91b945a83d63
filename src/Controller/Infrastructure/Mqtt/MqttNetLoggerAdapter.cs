using MQTTnet.Diagnostics.Logger;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>
/// Forwards MQTTnet's warnings and errors to the host's logging; its verbose chatter is dropped. For the client,
/// whose connection failures the reconnect loop already reports in one line, pass a lower <paramref name="errorLevel"/>
/// so a broker outage does not print a stack trace every few seconds.
/// </summary>
internal sealed class MqttNetLoggerAdapter(ILogger logger, LogLevel errorLevel = LogLevel.Error) : IMqttNetLogger
{
    public bool IsEnabled => logger.IsEnabled(LogLevel.Warning);

    public void Publish(MqttNetLogLevel logLevel, string source, string message, object[] parameters, Exception exception)
    {
        var level = logLevel switch
        {
            MqttNetLogLevel.Error => errorLevel,
            MqttNetLogLevel.Warning => LogLevel.Warning,
            _ => LogLevel.None,
        };
        if (level == LogLevel.None || !logger.IsEnabled(level))
        {
            return;
        }

        var text = parameters is { Length: > 0 }
            ? string.Format(System.Globalization.CultureInfo.InvariantCulture, message, parameters)
            : message;
        logger.Log(level, exception, "{Source}: {Message}", source, text);
    }
}
