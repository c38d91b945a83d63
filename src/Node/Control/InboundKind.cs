namespace SmartLoudspeaker.Node.Control;

/// <summary>What a payload handed to the control worker is.</summary>
internal enum InboundKind
{
    /// <summary>A command envelope from the node, zone or fleet command topic.</summary>
    Command,

    /// <summary>A retained Controller key certificate.</summary>
    KeyCertificate,

    /// <summary>The retained root-signed revocation list.</summary>
    Revocations,

    /// <summary>A signed clock-sync reply.</summary>
    TimeReply,
}
