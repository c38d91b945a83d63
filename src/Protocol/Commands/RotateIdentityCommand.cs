namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "rotate-identity": the node makes a new key pair and broker password, acknowledges (signed with its old key, which
/// the Controller still holds), leaves the broker and enrols again with the new key; the Controller approves a request
/// with a new key from a node it asked to rotate, and retires the old credentials.
/// </summary>
[CommandType("rotate-identity")]
public sealed record RotateIdentityCommand : ICommandBody
{
    /// <inheritdoc />
    public string? Validate() => null;
}
