namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>The result of a change to accounts: the new value, or why it was refused (an English sentence for the log and API).</summary>
internal sealed record AccountChange<T>(T? Value, string? Problem)
    where T : class
{
    public static AccountChange<T> Done(T value) => new(value, null);

    public static AccountChange<T> Refused(string problem) => new(null, problem);
}
