using System.Security.Authentication;
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
        // What fails in the broker's TCP listener before a session exists is the TLS handshake (a session's own errors
        // are handled inside it): a client that refuses our certificate, a port probe, plain MQTT on the TLS port.
        // That is bad input from the network, a warning in one line, not an error with a stack trace.
        if (logLevel == MqttNetLogLevel.Error && source == "MqttTcpServerListener" && exception is AuthenticationException or IOException)
        {
            logger.LogWarning("{Source}: TLS handshake with a client failed: {Reason}", source, exception.GetBaseException().Message);
            return;
        }

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
