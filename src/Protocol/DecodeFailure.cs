namespace SmartLoudspeaker.Protocol;

/// <summary>Why a payload was refused; a metrics label and a log field.</summary>
public enum DecodeFailure
{
    /// <summary>Decoded fine.</summary>
    None,

    /// <summary>Larger than the limit for its kind; not read.</summary>
    TooLarge,

    /// <summary>Not JSON, the wrong JSON shape, or a required field missing.</summary>
    Malformed,

    /// <summary>A schema version this build does not read.</summary>
    UnsupportedVersion,

    /// <summary>Well-formed but semantically wrong (a field out of range, a node id that does not match the topic).</summary>
    Invalid,
}
