using SmartLoudspeaker.Controller.Infrastructure.Broker;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Broker;

/// <summary>The packet caps, publish rate and queue bound: documented defaults, and a value out of range refused at start in one line.</summary>
public sealed class BrokerPacketOptionsTests
{
    [Fact]
    public void The_caps_default_to_the_documented_values()
    {
        var options = new BrokerOptions();
        Assert.Equal(
            (17_408, 9216, 65_536, 4096, 50, 200, 5000),
            (options.MaxJsonPacketBytes, options.MaxAudioPacketBytes, options.MaxMediaPacketBytes, options.MaxControlPacketBytes,
                options.MaxPublishesPerSecond, options.PublishBurst, options.MaxQueuedMessagesPerClient));
        Assert.True(new BrokerOptionsValidator().Validate(null, options).Succeeded);
    }

    [Theory]
    [InlineData(nameof(BrokerOptions.MaxJsonPacketBytes), 17_407, "Invalid setting Broker:MaxJsonPacketBytes = 17407: must be 17408–1048576 (a JSON message may be 16 KiB, plus its topic).")]
    [InlineData(nameof(BrokerOptions.MaxJsonPacketBytes), 1_048_577, "Invalid setting Broker:MaxJsonPacketBytes = 1048577: must be 17408–1048576 (a JSON message may be 16 KiB, plus its topic).")]
    [InlineData(nameof(BrokerOptions.MaxAudioPacketBytes), 9215, "Invalid setting Broker:MaxAudioPacketBytes = 9215: must be 9216–1048576 (a live audio packet may be 8 KiB, plus its topic).")]
    [InlineData(nameof(BrokerOptions.MaxMediaPacketBytes), 16_777_217, "Invalid setting Broker:MaxMediaPacketBytes = 16777217: must be 1024–16777216.")]
    [InlineData(nameof(BrokerOptions.MaxControlPacketBytes), 65_537, "Invalid setting Broker:MaxControlPacketBytes = 65537: must be 1024–65536.")]
    [InlineData(nameof(BrokerOptions.MaxPublishesPerSecond), 0, "Invalid setting Broker:MaxPublishesPerSecond = 0: must be 1–100000.")]
    [InlineData(nameof(BrokerOptions.PublishBurst), 0, "Invalid setting Broker:PublishBurst = 0: must be 1–100000.")]
    [InlineData(nameof(BrokerOptions.MaxQueuedMessagesPerClient), 0, "Invalid setting Broker:MaxQueuedMessagesPerClient = 0: must be 1–100000.")]
    public void A_value_out_of_range_is_refused_in_the_one_line_form(string property, int value, string line)
    {
        var options = new BrokerOptions();
        typeof(BrokerOptions).GetProperty(property)!.SetValue(options, value);
        Assert.Equal(line, Assert.Single(new BrokerOptionsValidator().Validate(null, options).Failures!));
    }
}
