using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Audio.Live;

/// <summary>
/// Why <see cref="LiveStreamIntake"/> refused a live packet: stable codes, counted per reason (a packet is never
/// acknowledged). The signature's own reasons are <see cref="RefusalReasons"/>' (unknown-key, revoked-key,
/// bad-signature, key-not-valid), as for a command.
/// </summary>
internal static class LiveIntakeReasons
{
    /// <summary>Not a live packet: empty, truncated, too large, another version, a length or value out of range.</summary>
    public const string Malformed = RefusalReasons.Malformed;

    /// <summary>The packet names another stream than the topic it came on.</summary>
    public const string WrongStream = "wrong-stream";

    /// <summary>No stream start was accepted for its stream: not for this node, or not yet, or long forgotten.</summary>
    public const string UnknownStream = "unknown-stream";

    /// <summary>Its class is not the one its stream start gave: it cannot raise its own priority.</summary>
    public const string WrongClass = "wrong-class";

    /// <summary>It holds another number of frames than its stream start said every packet holds.</summary>
    public const string WrongFrameCount = "wrong-frame-count";

    /// <summary>Its stream was stopped: at once, or at an end timestamp this packet starts at or after.</summary>
    public const string StreamStopped = "stream-stopped";

    /// <summary>Its stream has ended (silence, or its end played out); what would it play now is gone.</summary>
    public const string StreamEnded = "stream-ended";
}
