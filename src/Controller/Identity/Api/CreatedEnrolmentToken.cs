namespace SmartLoudspeaker.Controller.Identity.Api;

/// <summary>A token just made: the written token (<c>{id}.{secret}</c>) is shown this once and never again.</summary>
/// <param name="Token">What the installer puts in each node's <c>Node:Enrolment:Token</c>.</param>
/// <param name="Details">The token without its secret.</param>
public sealed record CreatedEnrolmentToken(string Token, EnrolmentTokenView Details);
