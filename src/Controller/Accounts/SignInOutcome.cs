namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>How a sign-in attempt ended. Pages show every refusal alike, so that a name cannot be probed.</summary>
internal enum SignInOutcome
{
    SignedIn,
    WrongNameOrPassword,
    Locked,
    Disabled,
}
