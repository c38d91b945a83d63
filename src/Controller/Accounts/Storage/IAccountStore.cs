namespace SmartLoudspeaker.Controller.Accounts.Storage;

/// <summary>
/// Durable side of the accounts (<see cref="AccountRepository"/>). Writes are queued in call order; a write's task
/// completes after the store's durability point.
/// </summary>
internal interface IAccountStore
{
    IReadOnlyList<UserRecord> LoadUsers();

    IReadOnlyList<SessionRecord> LoadSessions();

    IReadOnlyList<ApiTokenRecord> LoadTokens();

    Task SaveAsync(UserRecord user);

    Task SaveAsync(SessionRecord session);

    Task DeleteSessionAsync(string sessionId);

    Task SaveAsync(ApiTokenRecord token);
}
