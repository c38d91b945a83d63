using System.Text.Json.Serialization;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol;

/// <summary>
/// Source-generated serialisers for every JSON wire message: camelCase names, nulls omitted (smaller 4G
/// payloads), enums as their documented strings, unknown properties ignored so a newer minor field does not
/// break an older reader.
/// </summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    UseStringEnumConverter = true,
    RespectRequiredConstructorParameters = true,
    AllowTrailingCommas = false,
    MaxDepth = 16)]
[JsonSerializable(typeof(NodeBirth))]
[JsonSerializable(typeof(NodeDeath))]
[JsonSerializable(typeof(NodeHealth))]
[JsonSerializable(typeof(NodeEvent))]
[JsonSerializable(typeof(EventAck))]
[JsonSerializable(typeof(ControllerState))]
[JsonSerializable(typeof(SignedCommand))]
[JsonSerializable(typeof(CommandAck))]
[JsonSerializable(typeof(KeyCertificate))]
[JsonSerializable(typeof(KeyRevocationList))]
[JsonSerializable(typeof(ClockSyncRequest))]
[JsonSerializable(typeof(ClockSyncReply))]
[JsonSerializable(typeof(IdentifyCommand))]
[JsonSerializable(typeof(RebirthCommand))]
[JsonSerializable(typeof(SetHeartbeatCommand))]
[JsonSerializable(typeof(EmergencyTestCommand))]
[JsonSerializable(typeof(RotateIdentityCommand))]
[JsonSerializable(typeof(SetQuietHoursCommand))]
[JsonSerializable(typeof(StreamStartCommand))]
[JsonSerializable(typeof(StreamStopCommand))]
[JsonSerializable(typeof(PlayToneCommand))]
[JsonSerializable(typeof(StopPlayCommand))]
[JsonSerializable(typeof(NodeIdentity))]
[JsonSerializable(typeof(RotatedIdentity))]
[JsonSerializable(typeof(EnrolmentRequest))]
[JsonSerializable(typeof(EnrolmentStatus))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
