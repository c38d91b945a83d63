using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands.Storage;

/// <summary>One stored command acknowledgement and when the controller received it.</summary>
internal sealed record CommandAckRecord(string NodeId, DateTimeOffset ReceivedAt, CommandAck Ack);
