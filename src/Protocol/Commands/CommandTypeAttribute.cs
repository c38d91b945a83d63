namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// Marks the body type of a command and gives its wire name (<see cref="SignedCommand.Type"/>). Every type so
/// marked is a command a node may obey, and every one goes through the same verification: the catalogue and the
/// "one way in" test find them all by this attribute.
/// </summary>
/// <param name="name">The wire name, e.g. "identify".</param>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class CommandTypeAttribute(string name) : Attribute
{
    /// <summary>The wire name.</summary>
    public string Name { get; } = name;

    /// <summary>
    /// True for emergency-class commands: the only ones a node obeys before it has trusted time
    /// (docs/security.md, "A node without time").
    /// </summary>
    public bool EmergencyClass { get; init; }
}
