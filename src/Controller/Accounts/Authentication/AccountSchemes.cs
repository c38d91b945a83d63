namespace SmartLoudspeaker.Controller.Accounts.Authentication;

/// <summary>
/// The authentication schemes: a request with <c>Authorization: Bearer …</c> is a script's (<see cref="Token"/>),
/// any other a browser's (<see cref="Session"/>); <see cref="Default"/> picks between them.
/// </summary>
internal static class AccountSchemes
{
    public const string Default = "sl";
    public const string Session = "session";
    public const string Token = "token";
}
