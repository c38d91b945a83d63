namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// "stop-play": the play <see cref="PlayId"/> ends — faded out if it is sounding, dropped if it is waiting. A play the
/// node does not hold (never came, already over) is stopped already: still "done", so a resend is harmless.
/// </summary>
[CommandType("stop-play")]
public sealed record StopPlayCommand : ICommandBody
{
    /// <summary>The play to end.</summary>
    public required string PlayId { get; init; }

    /// <inheritdoc />
    public string? Validate() => !Identifiers.IsValid(PlayId) ? "'playId' must be 1–64 characters of a–z, 0–9 and '-'." : null;
}
