namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// What a node answers to "rotate-identity" (in <see cref="Messages.CommandAck.Result"/> of its "done"): the fingerprint
/// of the key it will enrol next. The acknowledgement is signed by the old key, so it binds the old key to the new one:
/// the Controller approves at once only the enrolment request whose key has this fingerprint.
/// </summary>
public sealed record RotatedIdentity
{
    /// <summary>The new key's fingerprint (<see cref="Security.KeyFingerprint"/>).</summary>
    public required string Fingerprint { get; init; }
}
