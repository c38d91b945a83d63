namespace SmartLoudspeaker.Protocol;

/// <summary>A decoded message, or why there is none.</summary>
/// <typeparam name="T">Message type.</typeparam>
/// <param name="Message">The message when <see cref="Failure"/> is <see cref="DecodeFailure.None"/>.</param>
/// <param name="Failure">Why decoding failed.</param>
/// <param name="Detail">Human-readable reason, for the log.</param>
public readonly record struct DecodeResult<T>(T? Message, DecodeFailure Failure, string? Detail)
    where T : class
{
    /// <summary>True when <see cref="Message"/> holds a valid message.</summary>
    public bool Succeeded => Failure == DecodeFailure.None && Message is not null;

    /// <summary>A success.</summary>
    public static DecodeResult<T> Ok(T message) => new(message, DecodeFailure.None, null);

    /// <summary>A failure.</summary>
    public static DecodeResult<T> Fail(DecodeFailure failure, string detail) => new(null, failure, detail);
}
