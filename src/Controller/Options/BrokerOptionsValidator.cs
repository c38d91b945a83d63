using System.Net;
using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Options;

/// <summary>Refuses a broker configuration that could not work, naming the key to fix.</summary>
internal sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add($"Broker:Mode must be Embedded or External, not '{options.Mode}'.");
        }

        if (options.Mode == BrokerMode.Embedded)
        {
            if (options.Port is < 0 or > 65535)
            {
                errors.Add($"Broker:Port must be 0–65535 for the embedded broker (0 picks a free port), not {options.Port}.");
            }

            if (!IPAddress.TryParse(options.BindAddress, out _))
            {
                errors.Add($"Broker:BindAddress must be an IP address such as 0.0.0.0 or 127.0.0.1, not '{options.BindAddress}'.");
            }
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.Host))
            {
                errors.Add("Broker:Host is required when Broker:Mode is External (the broker's host name or address).");
            }

            if (options.Port is < 1 or > 65535)
            {
                errors.Add($"Broker:Port must be 1–65535 for an external broker, not {options.Port}.");
            }
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.ReconnectDelay > TimeSpan.FromMinutes(5))
        {
            errors.Add($"Broker:ReconnectDelay must be between 00:00:00 and 00:05:00 (exclusive of zero), not {options.ReconnectDelay}.");
        }

        if (options.KeepAlive < TimeSpan.FromSeconds(1) || options.KeepAlive > TimeSpan.FromHours(18))
        {
            errors.Add($"Broker:KeepAlive must be between 00:00:01 and 18:00:00, not {options.KeepAlive}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
