namespace SmartLoudspeaker.Controller.Commands.Storage;

/// <summary>
/// Durable side of the command log (<see cref="CommandRepository"/> over the store engine). A write's task completes
/// only after its batch reached the durability point (docs/storage.md), so a <c>202 Accepted</c> sent after awaiting
/// it survives a SIGKILL or a power cut; a failed task means nothing was stored durably. Reads see what is committed.
/// </summary>
internal interface ICommandStore
{
    /// <summary>Stores a command acknowledgement a node sent (the last one per node and command).</summary>
    Task AddCommandAckAsync(CommandAckRecord record);

    /// <summary>Inserts or replaces an issued command with its sequence numbers and outcomes so far.</summary>
    Task SaveCommandAsync(StoredCommand command);

    /// <summary>The newest issued commands (by issue time), newest first, at most <paramref name="max"/>.</summary>
    IReadOnlyList<StoredCommand> RecentCommands(int max);

    /// <summary>The issued command with this id, or null; outcomes not yet in its document are filled from <c>acks</c>.</summary>
    StoredCommand? FindCommand(string commandId);
}
