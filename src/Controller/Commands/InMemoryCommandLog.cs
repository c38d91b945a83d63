namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// The newest <see cref="Capacity"/> commands, in memory. Node answers are stored durably by ingest
/// (<c>IFleetStore.AddCommandAckAsync</c>); the issued commands themselves are not, so after a restart older command
/// ids are unknown here. Thread-safe.
/// </summary>
internal sealed class InMemoryCommandLog : ICommandLog
{
    /// <summary>Most commands kept; the oldest go first.</summary>
    public const int Capacity = 10_000;

    private readonly LinkedList<CommandRecord> _newestFirst = new();
    private readonly Dictionary<string, CommandRecord> _byId = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();

    public void Add(CommandRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);
        lock (_gate)
        {
            _newestFirst.AddFirst(record);
            _byId[record.Id] = record;
            if (_newestFirst.Count > Capacity)
            {
                _byId.Remove(_newestFirst.Last!.Value.Id);
                _newestFirst.RemoveLast();
            }
        }
    }

    public CommandRecord? Find(string commandId)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(commandId);
        }
    }

    public IReadOnlyList<CommandRecord> ForNode(string nodeId, int limit)
    {
        lock (_gate)
        {
            return _newestFirst.Where(record => record.Involves(nodeId)).Take(limit).ToList();
        }
    }

    public IReadOnlyList<CommandRecord> Unexpired(DateTimeOffset now)
    {
        lock (_gate)
        {
            // Newest first, stopping at the first expired one would be wrong: lifetimes differ per command.
            return _newestFirst.Where(record => record.Command.Exp >= now).Reverse().ToList();
        }
    }
}
