namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Issued commands and their outcomes, for the API and for resending.</summary>
internal interface ICommandLog
{
    /// <summary>Adds a newly issued command.</summary>
    void Add(CommandRecord record);

    /// <summary>The command with this id, or null.</summary>
    CommandRecord? Find(string commandId);

    /// <summary>Commands that addressed (or were answered by) <paramref name="nodeId"/>, newest first.</summary>
    IReadOnlyList<CommandRecord> ForNode(string nodeId, int limit);

    /// <summary>Commands not yet expired at <paramref name="now"/>, oldest first.</summary>
    IReadOnlyList<CommandRecord> Unexpired(DateTimeOffset now);
}
