namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>"identify": the node answers with its identity and state in the acknowledgement's result.</summary>
[CommandType("identify")]
public sealed record IdentifyCommand : ICommandBody
{
    /// <inheritdoc />
    public string? Validate() => null;
}
