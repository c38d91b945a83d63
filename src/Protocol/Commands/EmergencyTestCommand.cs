namespace SmartLoudspeaker.Protocol;

/// <summary>
/// "emergency-test": an emergency-class command that makes no sound (the node reports it as an event), used to
/// prove the emergency path end to end — including on a node that has no trusted time yet.
/// </summary>
[CommandType("emergency-test", EmergencyClass = true)]
public sealed record EmergencyTestCommand
{
    /// <summary>Free text for the log, e.g. "monthly drill".</summary>
    public string? Note { get; init; }
}
