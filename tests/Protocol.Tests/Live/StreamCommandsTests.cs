using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Tests.Security;

namespace SmartLoudspeaker.Protocol.Tests.Live;

/// <summary>The stream start and stop: their limits, their wire form, and the one delay that puts every node on one instant.</summary>
public sealed class StreamCommandsTests
{
    /// <summary>A valid stream start (the one docs/protocol.md shows).</summary>
    public static StreamStartCommand Start() => new()
    {
        StreamId = "live-0042",
        Class = PriorityClass.Live,
        DelayMs = 1500,
        FirstTimestampUs = LiveAudioPacket.ToMicros(TestKeys.Now),
        FramesPerPacket = 3,
        EndAfterSilenceMs = 5000,
    };

    [Fact]
    public void Both_are_signed_commands_in_the_catalogue_and_not_emergency_class()
    {
        Assert.Equal(typeof(StreamStartCommand), CommandCatalog.BodyType("stream-start"));
        Assert.Equal(typeof(StreamStopCommand), CommandCatalog.BodyType("stream-stop"));
        Assert.False(CommandCatalog.IsEmergencyClass("stream-start"));
    }

    [Fact]
    public void The_wire_form_is_camel_case_with_the_override_only_when_given()
    {
        Assert.Equal(
            "{\"streamId\":\"live-0042\",\"class\":\"live\",\"delayMs\":1500,\"firstTimestampUs\":1795327200000000,\"framesPerPacket\":3,\"endAfterSilenceMs\":5000}",
            CommandCatalog.WriteBody(Start()).GetRawText());
        Assert.EndsWith(",\"overrideQuietHours\":true}", CommandCatalog.WriteBody(Start() with { OverrideQuietHours = true }).GetRawText(), StringComparison.Ordinal);
        Assert.Equal("{\"streamId\":\"live-0042\"}", CommandCatalog.WriteBody(new StreamStopCommand { StreamId = "live-0042" }).GetRawText());
    }

    [Fact]
    public void Every_node_plays_a_frame_at_its_timestamp_plus_the_one_delay()
    {
        var start = Start();
        var packet = new LiveAudioPacket
        {
            StreamId = start.StreamId,
            Kid = "controller-1",
            Sequence = 4,
            TimestampMicros = start.FirstTimestampUs + (4 * 3 * 20_000),
            Class = start.Class,
            Frames = [new byte[1], new byte[1], new byte[1]],
        };

        Assert.Equal(TestKeys.Now, start.FirstTimestamp);
        Assert.Equal(TimeSpan.FromSeconds(1.5), start.Delay);
        Assert.Equal(TestKeys.Now.AddMilliseconds(240 + 40 + 1500), start.PlayAt(packet.FrameTimestamp(2)));
    }

    [Theory]
    [InlineData(99, 3, 5000, "'delayMs' must be 100–10000, not 99.")]
    [InlineData(10_001, 3, 5000, "'delayMs' must be 100–10000, not 10001.")]
    [InlineData(1500, 2, 5000, "'framesPerPacket' must be 3–10, not 2.")]
    [InlineData(1500, 11, 5000, "'framesPerPacket' must be 3–10, not 11.")]
    [InlineData(1500, 3, 999, "'endAfterSilenceMs' must be 1000–120000, not 999.")]
    [InlineData(1500, 3, 120_001, "'endAfterSilenceMs' must be 1000–120000, not 120001.")]
    [InlineData(100, 10, 120_000, null)]
    [InlineData(10_000, 3, 1000, null)]
    public void A_stream_start_names_what_is_out_of_range(int delayMs, int framesPerPacket, int silenceMs, string? problem)
    {
        var start = Start() with { DelayMs = delayMs, FramesPerPacket = framesPerPacket, EndAfterSilenceMs = silenceMs };

        Assert.Equal(problem, start.Validate());
    }

    [Fact]
    public void Ids_and_timestamps_are_checked()
    {
        Assert.Equal("'streamId' must be 1–64 characters of a–z, 0–9 and '-'.", (Start() with { StreamId = "Live/1" }).Validate());
        Assert.Equal("'firstTimestampUs' must be microseconds since the Unix epoch.", (Start() with { FirstTimestampUs = -1 }).Validate());
        Assert.Equal("'class' must be a priority class.", (Start() with { Class = (PriorityClass)9 }).Validate());
        Assert.Null(new StreamStopCommand { StreamId = "live-0042", EndTimestampUs = 1 }.Validate());
        Assert.NotNull(new StreamStopCommand { StreamId = "" }.Validate());
        Assert.NotNull(new StreamStopCommand { StreamId = "live-0042", EndTimestampUs = -5 }.Validate());
        Assert.Equal(TestKeys.Now, new StreamStopCommand { StreamId = "s", EndTimestampUs = Start().FirstTimestampUs }.EndTimestamp);
    }
}
