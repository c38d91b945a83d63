using System.Net;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Live;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>Refuses a broker configuration that could not work, naming the key to fix.</summary>
internal sealed class BrokerOptionsValidator : IValidateOptions<BrokerOptions>
{
    public ValidateOptionsResult Validate(string? name, BrokerOptions options)
    {
        var errors = new List<string>();
        if (!Enum.IsDefined(options.Mode))
        {
            errors.Add(InvalidSetting.Describe("Broker:Mode", options.Mode, "must be Embedded or External"));
        }

        if (options.Mode == BrokerMode.Embedded)
        {
            if (options.Port is < 0 or > 65535)
            {
                errors.Add(InvalidSetting.Describe("Broker:Port", options.Port, "must be 0–65535 for the embedded broker (0 picks a free port)"));
            }

            if (!IPAddress.TryParse(options.BindAddress, out _))
            {
                errors.Add(InvalidSetting.Describe("Broker:BindAddress", options.BindAddress, "must be an IP address such as 0.0.0.0 or 127.0.0.1"));
            }

            errors.AddRange(BrokerTlsOptionsValidator.FindProblems(options.Tls ?? new BrokerTlsOptions(), options.Port));
        }
        else
        {
            if (string.IsNullOrWhiteSpace(options.Host))
            {
                errors.Add(InvalidSetting.Describe("Broker:Host", options.Host, "must be the broker's host name or address when Broker:Mode is External"));
            }

            if (options.Port is < 1 or > 65535)
            {
                errors.Add(InvalidSetting.Describe("Broker:Port", options.Port, "must be 1–65535 for an external broker"));
            }

            // The generated mosquitto.conf carries the TLS listener (Mosquitto/MosquittoTlsFiles); Mosquitto picks no port.
            if (options.Mosquitto.ConfigDirectory is not null && options.Tls is { Enabled: true } tls)
            {
                errors.AddRange(BrokerTlsOptionsValidator.FindProblems(tls, options.Port));
                if (tls.Port == 0)
                {
                    errors.Add(InvalidSetting.Describe("Broker:Tls:Port", tls.Port, "must be 1–65535 in Mosquitto's generated configuration"));
                }
            }
        }

        ValidateCredentials(options, errors);
        if (options.MaxConnections is < 1 or > 100_000)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxConnections", options.MaxConnections, "must be 1–100000"));
        }

        if (options.MaxSubscriptionsPerClient is < 1 or > 10_000)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxSubscriptionsPerClient", options.MaxSubscriptionsPerClient, "must be 1–10000"));
        }

        if (options.MaxJsonPacketBytes is < WireSchema.MaxJsonPayloadBytes + 1024 or > 1024 * 1024)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxJsonPacketBytes", options.MaxJsonPacketBytes, "must be 17408–1048576 (a JSON message may be 16 KiB, plus its topic)"));
        }

        if (options.MaxAudioPacketBytes is < LiveAudioPacketCodec.MaxPacketBytes + 1024 or > 1024 * 1024)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxAudioPacketBytes", options.MaxAudioPacketBytes, "must be 9216–1048576 (a live audio packet may be 8 KiB, plus its topic)"));
        }

        if (options.MaxMediaPacketBytes is < 1024 or > 16 * 1024 * 1024)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxMediaPacketBytes", options.MaxMediaPacketBytes, "must be 1024–16777216"));
        }

        if (options.MaxControlPacketBytes is < 1024 or > 64 * 1024)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxControlPacketBytes", options.MaxControlPacketBytes, "must be 1024–65536"));
        }

        if (options.MaxPublishesPerSecond is < 1 or > 100_000)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxPublishesPerSecond", options.MaxPublishesPerSecond, "must be 1–100000"));
        }

        if (options.PublishBurst is < 1 or > 100_000)
        {
            errors.Add(InvalidSetting.Describe("Broker:PublishBurst", options.PublishBurst, "must be 1–100000"));
        }

        if (options.MaxQueuedMessagesPerClient is < 1 or > 100_000)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxQueuedMessagesPerClient", options.MaxQueuedMessagesPerClient, "must be 1–100000"));
        }

        if (options.ReconnectDelay <= TimeSpan.Zero || options.ReconnectDelay > TimeSpan.FromMinutes(5))
        {
            errors.Add(InvalidSetting.Describe("Broker:ReconnectDelay", options.ReconnectDelay, "must be more than 00:00:00 and at most 00:05:00"));
        }

        if (options.KeepAlive < TimeSpan.FromSeconds(1) || options.KeepAlive > TimeSpan.FromHours(18))
        {
            errors.Add(InvalidSetting.Describe("Broker:KeepAlive", options.KeepAlive, "must be between 00:00:01 and 18:00:00"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }

    private static void ValidateCredentials(BrokerOptions options, List<string> errors)
    {
        if (options.Mode == BrokerMode.Embedded && (options.Username is not null || options.Password is not null))
        {
            errors.Add(InvalidSetting.Describe(
                "Broker:Username", options.Username, "is for an external broker only: the embedded broker's Controller account is 'controller' with the password in broker-secrets.json"));
        }
        else if ((options.Username is null) != (options.Password is null))
        {
            errors.Add(InvalidSetting.Describe("Broker:Username", options.Username, "and Broker:Password must be set together or not at all"));
        }
        else if (options.Username is not null && !Identifiers.IsValid(options.Username))
        {
            errors.Add(InvalidSetting.Describe("Broker:Username", options.Username, "must be lower-case letters, digits and '-' (at most 64)"));
        }
        else if (options.Password is { } password && (password.Length == 0 || password.Any(char.IsControl)))
        {
            errors.Add(InvalidSetting.Describe("Broker:Password", "(hidden)", "must be non-empty without control characters"));
        }

        var mosquitto = options.Mosquitto;
        if (mosquitto.ConfigDirectory is not null && options.Mode != BrokerMode.External)
        {
            errors.Add(InvalidSetting.Describe("Broker:Mosquitto:ConfigDirectory", mosquitto.ConfigDirectory, "is for Broker:Mode External only"));
        }

        if (mosquitto.ConfigDirectory is { Length: 0 })
        {
            errors.Add(InvalidSetting.Describe("Broker:Mosquitto:ConfigDirectory", mosquitto.ConfigDirectory, "must be a folder path, or unset"));
        }

        if (mosquitto.ReloadCommand is not null && mosquitto.ConfigDirectory is null)
        {
            errors.Add(InvalidSetting.Describe("Broker:Mosquitto:ReloadCommand", mosquitto.ReloadCommand, "needs Broker:Mosquitto:ConfigDirectory"));
        }

        if (mosquitto.Debounce < TimeSpan.Zero || mosquitto.Debounce > TimeSpan.FromMinutes(1))
        {
            errors.Add(InvalidSetting.Describe("Broker:Mosquitto:Debounce", mosquitto.Debounce, "must be between 00:00:00 and 00:01:00"));
        }
    }
}
