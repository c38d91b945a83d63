using System.Text;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Tests;

public sealed class CommandEnvelopeCodecTests
{
    private static readonly byte[] Signature = [.. Enumerable.Range(1, 70).Select(i => (byte)i)];

    [Fact]
    public void An_envelope_round_trips_with_the_signed_bytes_untouched()
    {
        var signed = WireCodec.Encode(SampleMessages.Command());

        var payload = CommandEnvelopeCodec.Format(signed, Signature);
        var parsed = CommandEnvelopeCodec.Parse(payload);

        Assert.True(parsed.Succeeded, parsed.Detail);
        Assert.Equal(signed, parsed.Message!.SignedBytes.ToArray());
        Assert.Equal(Signature, parsed.Message.Signature);
        Assert.Equal("set-heartbeat", parsed.Message.Command.Type);
    }

    [Fact]
    public void The_payload_is_readable_text_of_two_lines()
    {
        var text = Encoding.UTF8.GetString(CommandEnvelopeCodec.Format(WireCodec.Encode(SampleMessages.Command()), Signature));

        var lines = text.Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("{\"v\":1,", lines[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("{\"v\":1}")]
    [InlineData("{\"v\":1}\n")]
    [InlineData("\nAAAA")]
    [InlineData("{\"v\":1}\nAAAA\nAAAA")]
    [InlineData("{\"v\":1}\n!!!!")]
    public void Envelopes_of_the_wrong_shape_are_malformed(string payload)
    {
        var parsed = CommandEnvelopeCodec.Parse(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(DecodeFailure.Malformed, parsed.Failure);
    }

    [Fact]
    public void A_signed_part_with_two_targets_is_invalid()
    {
        var command = SampleMessages.Command() with { Target = new CommandTarget { Node = "thon-1", Zone = "thon-3" } };

        var parsed = CommandEnvelopeCodec.Parse(CommandEnvelopeCodec.Format(WireCodec.Encode(command), Signature));

        Assert.Equal(DecodeFailure.Invalid, parsed.Failure);
    }

    [Fact]
    public void A_command_valid_for_more_than_a_day_is_invalid()
    {
        var command = SampleMessages.Command() with { Exp = SampleMessages.Now.AddDays(2) };

        Assert.Equal(DecodeFailure.Invalid, WireCodec.Decode<SignedCommand>(WireCodec.Encode(command)).Failure);
    }

    [Fact]
    public void An_oversized_signature_is_refused()
    {
        var payload = CommandEnvelopeCodec.Format(WireCodec.Encode(SampleMessages.Command()), new byte[1000]);

        Assert.Equal(DecodeFailure.Malformed, CommandEnvelopeCodec.Parse(payload).Failure);
    }

    [Theory]
    [InlineData("thon-3-nha-van-hoa", new[] { "thon-3" }, true)]
    [InlineData("thon-4", new[] { "thon-4" }, false)]
    public void A_zone_target_includes_exactly_the_nodes_of_that_zone(string nodeId, string[] zones, bool expected)
    {
        Assert.Equal(expected, SampleMessages.Command().Target.Includes(nodeId, zones));
    }
}
