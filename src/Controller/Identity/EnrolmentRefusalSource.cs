namespace SmartLoudspeaker.Controller.Identity;

/// <summary>
/// Who an enrolment refusal is counted against: the node id the request claimed, and the address of the client that
/// sent it (null when the broker cannot tell, an external one). One address claiming many ids, or one id from many
/// addresses, is someone probing.
/// </summary>
/// <param name="NodeId">The node id on the request's topic.</param>
/// <param name="Sender">The sending client's address; null when unknown.</param>
public sealed record EnrolmentRefusalSource(string NodeId, string? Sender);
