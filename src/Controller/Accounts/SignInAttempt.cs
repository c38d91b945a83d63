namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>A sign-in's outcome, with the new session's cookie secret when it succeeded.</summary>
internal sealed record SignInAttempt(SignInOutcome Outcome, string? SessionSecret);
