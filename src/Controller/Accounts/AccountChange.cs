namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// The result of a change to accounts: the new value, or why it was refused (an English sentence for the log and API,
/// and its <see cref="Reason"/> for the status code and the pages' own words).
/// </summary>
internal sealed record AccountChange<T>(T? Value, string? Problem, AccountRefusal Reason)
    where T : class
{
    public static AccountChange<T> Done(T value) => new(value, null, AccountRefusal.None);

    public static AccountChange<T> Refused(AccountRefusal reason, string problem) => new(null, problem, reason);
}
