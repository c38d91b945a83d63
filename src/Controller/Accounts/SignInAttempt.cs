namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>A sign-in's outcome, with the new session's cookie secret when it succeeded.</summary>
/// <param name="Reason">Why it was refused, for the log and the audit log only (the page shows every refusal alike).</param>
/// <param name="LockoutReached">This failure reached the lockout threshold and locked the account.</param>
internal sealed record SignInAttempt(SignInOutcome Outcome, string? SessionSecret, string? Reason = null, bool LockoutReached = false);
