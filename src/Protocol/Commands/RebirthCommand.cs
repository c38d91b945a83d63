namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>"rebirth": the node publishes a fresh birth and health (after a Controller lost its view).</summary>
[CommandType("rebirth")]
public sealed record RebirthCommand : ICommandBody
{
    /// <inheritdoc />
    public string? Validate() => null;
}
