namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// What a batch of writes must reach before its acknowledgements go out (see docs/storage.md for the measurements).
/// </summary>
public enum StoreDurability
{
    /// <summary>
    /// LiteDB's Commit only. Not durable: Commit returns before LiteDB's own writer thread has written the log pages,
    /// so a SIGKILL can lose acknowledged writes. Kept as the baseline the benchmark compares against.
    /// </summary>
    Commit,

    /// <summary>Commit, then a LiteDB checkpoint, which waits for the log to be fsynced and fsyncs the data file.</summary>
    Checkpoint,

    /// <summary>The batch appended to the controller's own journal and fsynced (one fsync per batch), then LiteDB's Commit.</summary>
    Journal,
}
