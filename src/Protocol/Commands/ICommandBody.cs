namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// A command body that knows what is wrong with it. The Controller's API, its pages and the node all ask the body, so
/// an operator's mistake is refused with the same rule that a node would apply to a forged or outdated Controller.
/// </summary>
public interface ICommandBody
{
    /// <summary>What is wrong with this body, in one sentence naming the field; null when it may be carried out.</summary>
    string? Validate();
}
