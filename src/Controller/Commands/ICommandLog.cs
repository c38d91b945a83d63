namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Issued commands and their outcomes, for the API and for resending; kept durably.</summary>
internal interface ICommandLog
{
    /// <summary>Adds a newly issued command; completes once it is stored durably, fails (and it is not added) if it could not be.</summary>
    Task AddAsync(CommandRecord record);

    /// <summary>Raised after a command was added or its state saved, so live pages push the change instead of polling.</summary>
    event Action<CommandRecord>? Changed;

    /// <summary>Stores the record's current state (an answer, a resend); completes once durable.</summary>
    Task SaveAsync(CommandRecord record);

    /// <summary>The command with this id, or null.</summary>
    CommandRecord? Find(string commandId);

    /// <summary>Commands that addressed (or were answered by) <paramref name="nodeId"/>, newest first.</summary>
    IReadOnlyList<CommandRecord> ForNode(string nodeId, int limit);

    /// <summary>Commands not yet expired at <paramref name="now"/>, oldest first.</summary>
    IReadOnlyList<CommandRecord> Unexpired(DateTimeOffset now);
}
