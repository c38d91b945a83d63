using System.Net;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Protocol;

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
        }

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

        if (options.MaxAudioPacketBytes is < 1024 or > 1024 * 1024)
        {
            errors.Add(InvalidSetting.Describe("Broker:MaxAudioPacketBytes", options.MaxAudioPacketBytes, "must be 1024–1048576"));
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
}
