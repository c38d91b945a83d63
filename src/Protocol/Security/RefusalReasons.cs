namespace SmartLoudspeaker.Protocol.Security;

/// <summary>
/// Stable reason codes for a refused command (<see cref="CommandAck.Reason"/>, security events, metrics labels).
/// The UI translates them; never change a code's meaning.
/// </summary>
public static class RefusalReasons
{
    /// <summary>Not an envelope, or its signed part is not a valid command.</summary>
    public const string Malformed = "malformed";

    /// <summary>Signed by a key the node has no verified certificate for.</summary>
    public const string UnknownKey = "unknown-key";

    /// <summary>Signed by a key the root has revoked.</summary>
    public const string RevokedKey = "revoked-key";

    /// <summary>The signature does not match the signed bytes.</summary>
    public const string BadSignature = "bad-signature";

    /// <summary>The signing key's certificate did not cover the command's timestamp.</summary>
    public const string KeyNotValid = "key-not-valid";

    /// <summary>Addressed to another node or zone.</summary>
    public const string WrongTarget = "wrong-target";

    /// <summary>Past its expiry on the node's trusted clock.</summary>
    public const string Expired = "expired";

    /// <summary>Timestamped further in the future than clock skew explains.</summary>
    public const string NotYetValid = "not-yet-valid";

    /// <summary>A sequence number the node has already accepted (or, for a resend, a command id it knows with other content).</summary>
    public const string Replayed = "replayed";

    /// <summary>
    /// A sequence number at or below the node's replay floor: it can no longer tell whether it saw it. A replay of an old
    /// capture ends here; so does a genuine command delayed past the window, which the Controller resends with a new number.
    /// </summary>
    public const string TooOld = "too-old";

    /// <summary>The node has no trusted time and the command is not emergency-class.</summary>
    public const string ClockUntrusted = "clock-untrusted";

    /// <summary>A command type this node does not know.</summary>
    public const string UnknownCommand = "unknown-command";

    /// <summary>The command's body is missing or wrong for its type.</summary>
    public const string BadBody = "bad-body";

    /// <summary>The node's command queue was full (a flood); the command was dropped unread.</summary>
    public const string Overloaded = "overloaded";

    /// <summary>The node could not record the sequence number durably, so it did not act (fails closed).</summary>
    public const string StorageFailed = "storage-failed";

    /// <summary>A resend of a command whose action a crash interrupted; the node cannot tell whether it happened.</summary>
    public const string Interrupted = "interrupted";

    /// <summary>A sound command reached a node that has no audio output (or no clock sync to time it by).</summary>
    public const string NoAudio = "no-audio";

    /// <summary>A "stream-start" for a stream id this node already ended, or started with other terms: ids are never reused.</summary>
    public const string StreamClosed = "stream-closed";

    /// <summary>
    /// The node already remembers as many unexpired command ids as it keeps, so it cannot take a new one without
    /// forgetting one whose resend could then be obeyed twice; it did not act (fails closed). Not final: the Controller
    /// resends until the command expires, by when older ids have expired.
    /// </summary>
    public const string TooManyCommands = "too-many-commands";
}
