namespace SmartLoudspeaker.Controller.Commands;

/// <summary>A command was signed and sent; its outcomes are at <c>/api/commands/{CommandId}</c>.</summary>
/// <param name="CommandId">The command's id.</param>
/// <param name="Seq">Its sequence number.</param>
public sealed record CommandAccepted(string CommandId, long Seq);
