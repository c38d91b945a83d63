namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>
/// A "rotate-identity" the Controller sent to a node and has not seen completed: stored before the command is sent, so
/// the node's answer always finds it, and dropped when the new key is enrolled (the identity's <c>RotatedAt</c> says
/// so from then on). One per node, the newest.
/// </summary>
/// <param name="NodeId">The node asked to rotate.</param>
/// <param name="CommandId">The command's id: only the "done" of this command names the new key.</param>
/// <param name="RequestedAt">When it was sent; past <c>Enrolment:RotationTimeout</c> from here it has failed.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="OldFingerprint">The fingerprint of the key enrolled when it was sent.</param>
/// <param name="ExpectedFingerprint">The new key's fingerprint, from the node's verified "done"; null until then.</param>
public sealed record IdentityRotation(
    string NodeId,
    string CommandId,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    string OldFingerprint,
    string? ExpectedFingerprint)
{
    /// <summary>True once the time to complete has run out: shown as failed, and no request is approved by it any more.</summary>
    public bool HasFailedAt(DateTimeOffset now, TimeSpan timeout) => now >= RequestedAt + timeout;

    /// <summary>True when a request carrying <paramref name="fingerprint"/> is the new key this rotation waits for.</summary>
    public bool Expects(string fingerprint, DateTimeOffset now, TimeSpan timeout) =>
        ExpectedFingerprint is { } expected && string.Equals(expected, fingerprint, StringComparison.Ordinal) && !HasFailedAt(now, timeout);
}
