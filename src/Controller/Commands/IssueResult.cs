namespace SmartLoudspeaker.Controller.Commands;

/// <summary>The outcome of issuing a command.</summary>
/// <param name="Command">The issued command, when <paramref name="Failure"/> is <see cref="IssueFailure.None"/>.</param>
/// <param name="Failure">Why not.</param>
/// <param name="Problem">What to tell the operator.</param>
internal sealed record IssueResult(CommandRecord? Command, IssueFailure Failure, string? Problem)
{
    public static IssueResult Issued(CommandRecord command) => new(command, IssueFailure.None, null);

    public static IssueResult Invalid(string problem) => new(null, IssueFailure.Invalid, problem);

    public static IssueResult NoRecipient(string problem) => new(null, IssueFailure.NoRecipient, problem);

    public static IssueResult Unavailable(string problem) => new(null, IssueFailure.Unavailable, problem);
}
