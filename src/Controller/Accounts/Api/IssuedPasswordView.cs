namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary>A random password an admin gives a person (new account or reset), shown this once.</summary>
public sealed record IssuedPasswordView(UserView User, string Password);
