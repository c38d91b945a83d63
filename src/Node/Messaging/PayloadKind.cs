namespace SmartLoudspeaker.Node.Messaging;

/// <summary>What a route's payloads are, which decides the size they may have.</summary>
internal enum PayloadKind
{
    /// <summary>Versioned JSON (control, certificates, clock replies, acknowledgements): at most <c>WireSchema.MaxJsonPayloadBytes</c>.</summary>
    Json,

    /// <summary>Binary frames (audio packets, media chunks): held only to the cap their route names.</summary>
    Binary,
}
