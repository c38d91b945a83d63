namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Why a command was not issued.</summary>
internal enum IssueFailure
{
    /// <summary>It was issued.</summary>
    None,

    /// <summary>The request is wrong (type, body, target): a 400.</summary>
    Invalid,

    /// <summary>
    /// The target names no known node (an unknown node, a zone no node announced, an empty fleet): nobody would ever
    /// answer, so it is refused rather than left pending until it expires.
    /// </summary>
    NoRecipient,

    /// <summary>The Controller cannot sign, number or store commands now (no key, disk refused): a 503.</summary>
    Unavailable,
}
