namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>An identity rotation the Controller asked for and has not seen completed.</summary>
/// <param name="State"><c>rotating</c> (waiting for the node's answer or its new key) or <c>failed</c> (not completed in time; the old key stays valid).</param>
/// <param name="CommandId">The "rotate-identity" command, whose outcome is at <c>/api/commands/{commandId}</c>.</param>
/// <param name="RequestedAt">When it was sent.</param>
/// <param name="RequestedBy">Who asked.</param>
/// <param name="Deadline">When it counts as failed if not completed (<c>Enrolment:RotationTimeout</c> after sending).</param>
/// <param name="OldFingerprint">The key enrolled when it was sent.</param>
/// <param name="ExpectedFingerprint">The new key the node's signed answer names; null until it answered.</param>
public sealed record RotationView(
    string State,
    string CommandId,
    DateTimeOffset RequestedAt,
    string RequestedBy,
    DateTimeOffset Deadline,
    string OldFingerprint,
    string? ExpectedFingerprint);
