namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Why a command was not issued.</summary>
internal enum IssueFailure
{
    /// <summary>It was issued.</summary>
    None,

    /// <summary>The request is wrong (type, body, target): a 400.</summary>
    Invalid,

    /// <summary>The Controller cannot sign or number commands now (no key, disk refused): a 503.</summary>
    Unavailable,
}
