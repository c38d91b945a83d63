namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary>One of the caller's sessions; <paramref name="Current"/> marks the one this request came with.</summary>
public sealed record SessionView(string Id, DateTimeOffset SignedInAt, DateTimeOffset LastSeenAt, string? ClientAddress, bool Current);
