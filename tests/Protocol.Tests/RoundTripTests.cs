using System.Text;
using System.Text.Json;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Tests;

public sealed class RoundTripTests
{
    [Fact]
    public void Birth_round_trips() => AssertRoundTrip(SampleMessages.Birth());

    [Fact]
    public void Death_round_trips() => AssertRoundTrip(SampleMessages.Death());

    [Fact]
    public void Health_round_trips() => AssertRoundTrip(SampleMessages.Health());

    [Fact]
    public void Event_round_trips() => AssertRoundTrip(SampleMessages.Event());

    [Fact]
    public void Event_ack_round_trips() => AssertRoundTrip(SampleMessages.EventAcknowledgement());

    [Fact]
    public void Controller_state_round_trips() => AssertRoundTrip(SampleMessages.ControllerOnline());

    [Fact]
    public void Command_ack_round_trips() => AssertRoundTrip(SampleMessages.Acknowledgement());

    [Fact]
    public void Key_certificate_round_trips() => AssertRoundTrip(SampleMessages.Certificate());

    [Fact]
    public void Revocation_list_round_trips() => AssertRoundTrip(SampleMessages.Revocations());

    [Fact]
    public void Clock_sync_request_round_trips() => AssertRoundTrip(SampleMessages.TimeRequest());

    [Fact]
    public void Clock_sync_reply_round_trips() => AssertRoundTrip(SampleMessages.TimeReply());

    [Fact]
    public void A_command_acknowledgement_carries_an_identity_result()
    {
        var ack = SampleMessages.Acknowledgement() with
        {
            Status = CommandAckStatus.Done,
            Reason = null,
            Result = JsonSerializer.SerializeToElement(SampleMessages.Identity(), ProtocolJsonContext.Default.NodeIdentity),
        };

        var decoded = Decoded(ack);

        var identity = decoded.Result!.Value.Deserialize(ProtocolJsonContext.Default.NodeIdentity)!;
        Assert.Equal(SampleMessages.Identity() with { Zones = identity.Zones }, identity);
        Assert.Equal(["thon-3"], identity.Zones);
        Assert.Equal(WireCodec.Encode(ack), WireCodec.Encode(decoded));
    }

    public static TheoryData<object> CommandBodies() =>
        [new IdentifyCommand(), new RebirthCommand(), new SetHeartbeatCommand { HeartbeatSeconds = 60 }, new EmergencyTestCommand { Note = "diễn tập" }, new RotateIdentityCommand(),
         SetQuietHoursCommand.For(3, "Asia/Ho_Chi_Minh", Priority.QuietHours.Default), SetQuietHoursCommand.For(4, "Asia/Ho_Chi_Minh", null),
         Live.StreamCommandsTests.Start(), Live.StreamCommandsTests.Start() with { OverrideQuietHours = true }, new StreamStopCommand { StreamId = "live-0042", EndTimestampUs = 1_795_327_200_060_000 }];

    [Theory]
    [MemberData(nameof(CommandBodies))]
    public void Every_command_body_round_trips_through_a_signed_command(object body)
    {
        var type = CommandCatalog.Names.Single(name => CommandCatalog.BodyType(name) == body.GetType());
        var element = JsonSerializer.SerializeToElement(body, ProtocolJsonContext.Default.GetTypeInfo(body.GetType())!);
        var command = SampleMessages.Command() with { Type = type, Body = element };

        var decoded = Decoded(command);
        var readBack = decoded.Body!.Value.Deserialize(ProtocolJsonContext.Default.GetTypeInfo(body.GetType())!);

        Assert.Equal(body, readBack);
    }

    [Fact]
    public void Signed_command_round_trips_with_its_body()
    {
        var command = SampleMessages.Command();

        var decoded = Decoded(command);

        Assert.Equal(command.Target, decoded.Target);
        Assert.Equal(command.Exp, decoded.Exp);
        Assert.Equal(command.Body!.Value.GetRawText(), decoded.Body!.Value.GetRawText());
        Assert.Equal(WireCodec.Encode(command), WireCodec.Encode(decoded));
    }

    [Fact]
    public void Health_is_well_under_one_kilobyte_even_fully_populated()
    {
        var bytes = WireCodec.Encode(SampleMessages.Health());

        Assert.InRange(bytes.Length, 1, 600);
    }

    [Fact]
    public void Enums_travel_as_their_documented_strings()
    {
        var json = Encoding.UTF8.GetString(WireCodec.Encode(SampleMessages.Health()));

        Assert.Contains("\"type\":\"cellular\"", json, StringComparison.Ordinal);
        Assert.Contains("\"class\":\"normal\"", json, StringComparison.Ordinal);
        Assert.StartsWith("{\"v\":1,", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Vietnamese_text_travels_as_utf8_not_escapes()
    {
        var notice = SampleMessages.Event() with { Text = "Loa thôn 3 mất điện" };

        var json = Encoding.UTF8.GetString(WireCodec.Encode(notice));

        Assert.Contains("Loa thôn 3 mất điện", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Absent_optional_fields_are_omitted_not_sent_as_null()
    {
        var health = SampleMessages.Health() with { Relays = null, Inputs = null, Audio = null };

        var json = Encoding.UTF8.GetString(WireCodec.Encode(health));

        Assert.DoesNotContain("null", json, StringComparison.Ordinal);
    }

    private static void AssertRoundTrip<T>(T message)
        where T : class, IWireMessage
    {
        var decoded = Decoded(message);

        // Records holding collections compare those by reference, so compare the canonical encodings instead.
        Assert.Equal(WireCodec.Encode(message), WireCodec.Encode(decoded));
    }

    private static T Decoded<T>(T message)
        where T : class, IWireMessage
    {
        var result = WireCodec.Decode<T>(WireCodec.Encode(message));
        Assert.True(result.Succeeded, result.Detail);
        return result.Message!;
    }
}
