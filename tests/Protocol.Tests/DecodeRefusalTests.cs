using System.Text;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Tests;

public sealed class DecodeRefusalTests
{
    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"nodeId\":\"a\"}")]
    [InlineData("{\"v\":\"1\"}")]
    [InlineData("{\"v\":1,\"nodeId\":")]
    public void Malformed_payloads_are_refused_as_malformed(string payload)
    {
        var result = WireCodec.Decode<NodeBirth>(Encoding.UTF8.GetBytes(payload));

        Assert.Equal(DecodeFailure.Malformed, result.Failure);
        Assert.Null(result.Message);
    }

    [Fact]
    public void A_birth_missing_required_fields_is_malformed_and_names_them()
    {
        var result = WireCodec.Decode<NodeBirth>("""{"v":1,"nodeId":"thon-1","bdSeq":1}"""u8);

        Assert.Equal(DecodeFailure.Malformed, result.Failure);
        Assert.Contains("software", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_required_field_sent_as_null_is_malformed()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(SampleMessages.Birth()))
            .Replace("\"software\":\"0.1.0\"", "\"software\":null", StringComparison.Ordinal);

        var result = WireCodec.Decode<NodeBirth>(Encoding.UTF8.GetBytes(json));

        Assert.False(result.Succeeded);
    }

    [Fact]
    public void An_unknown_schema_version_is_refused_as_such()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(SampleMessages.Health())).Replace("\"v\":1", "\"v\":2", StringComparison.Ordinal);

        var result = WireCodec.Decode<NodeHealth>(Encoding.UTF8.GetBytes(json));

        Assert.Equal(DecodeFailure.UnsupportedVersion, result.Failure);
    }

    [Fact]
    public void An_oversized_payload_is_refused_unread()
    {
        var payload = new byte[WireSchema.MaxJsonPayloadBytes + 1];

        var result = WireCodec.Decode<NodeHealth>(payload);

        Assert.Equal(DecodeFailure.TooLarge, result.Failure);
    }

    [Fact]
    public void Deeply_nested_json_is_refused_without_stack_trouble()
    {
        var payload = "{\"v\":1,\"x\":" + new string('[', 5000) + new string(']', 5000) + "}";

        var result = WireCodec.Decode<NodeHealth>(Encoding.UTF8.GetBytes(payload));

        Assert.False(result.Succeeded);
    }

    [Theory]
    [InlineData("Thon-1")]
    [InlineData("thon/1")]
    [InlineData("thon+1")]
    [InlineData("-thon")]
    public void A_birth_with_an_invalid_node_id_is_invalid(string nodeId)
    {
        var birth = SampleMessages.Birth() with { NodeId = nodeId };

        var result = WireCodec.Decode<NodeBirth>(WireCodec.Encode(birth));

        Assert.Equal(DecodeFailure.Invalid, result.Failure);
    }

    [Fact]
    public void A_birth_without_zones_is_invalid()
    {
        var result = WireCodec.Decode<NodeBirth>(WireCodec.Encode(SampleMessages.Birth() with { Zones = [] }));

        Assert.Equal(DecodeFailure.Invalid, result.Failure);
    }

    [Fact]
    public void Health_with_an_impossible_temperature_is_invalid()
    {
        var health = SampleMessages.Health() with { Cpu = new CpuHealth { TempC = 999 } };

        var result = WireCodec.Decode<NodeHealth>(WireCodec.Encode(health));

        Assert.Equal(DecodeFailure.Invalid, result.Failure);
    }

    [Fact]
    public void An_unknown_enum_string_is_malformed()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(SampleMessages.Death())).Replace("\"lost\"", "\"exploded\"", StringComparison.Ordinal);

        var result = WireCodec.Decode<NodeDeath>(Encoding.UTF8.GetBytes(json));

        Assert.Equal(DecodeFailure.Malformed, result.Failure);
    }

    [Fact]
    public void Unknown_extra_fields_are_ignored_so_minor_additions_stay_compatible()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(SampleMessages.Death())).Replace("{\"v\":1,", "{\"v\":1,\"futureField\":[1,2],", StringComparison.Ordinal);

        var result = WireCodec.Decode<NodeDeath>(Encoding.UTF8.GetBytes(json));

        Assert.True(result.Succeeded, result.Detail);
    }
}
