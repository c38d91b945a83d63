namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "emergency-test": an emergency-class command that makes no sound (the node reports it as an event), used to
/// prove the emergency path end to end — including on a node that has no trusted time yet.
/// </summary>
[CommandType("emergency-test", EmergencyClass = true)]
public sealed record EmergencyTestCommand : ICommandBody
{
    /// <summary>Longest note: it goes into an event, which must stay small on a 4G link.</summary>
    public const int MaxNoteLength = 256;

    /// <summary>Free text for the log, e.g. "monthly drill".</summary>
    public string? Note { get; init; }

    /// <inheritdoc />
    public string? Validate() => Note is { Length: > MaxNoteLength } ? $"'note' is longer than {MaxNoteLength} characters." : null;
}
