namespace SmartLoudspeaker.Protocol;

/// <summary>Versions and size limits every component applies to the wire.</summary>
public static class WireSchema
{
    /// <summary>The only JSON schema version this build reads and writes.</summary>
    public const int Version = 1;

    /// <summary>Largest JSON control, health or event payload accepted; anything larger is refused unread.</summary>
    public const int MaxJsonPayloadBytes = 16 * 1024;
}
