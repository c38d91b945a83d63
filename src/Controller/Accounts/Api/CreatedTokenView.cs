namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary>A new API token and its text, shown this once: the Controller keeps only its hash.</summary>
public sealed record CreatedTokenView(TokenView Token, string Secret);
