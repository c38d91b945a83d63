namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>Configuration section "Store": where the controller keeps its data and for how long.</summary>
public sealed class StoreOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Store";

    /// <summary>Folder for the LiteDB file (created when missing); relative paths are relative to the working directory.</summary>
    public string DataDirectory { get; set; } = "data";

    /// <summary>Name of the LiteDB file inside <see cref="DataDirectory"/>; the journal is this name + ".journal".</summary>
    public string FileName { get; set; } = "controller.db";

    /// <summary>The durability point of a write batch; acknowledgements wait for it.</summary>
    public StoreDurability Durability { get; set; } = StoreDurability.Journal;

    /// <summary>Most writes grouped into one transaction and one durability point.</summary>
    public int MaxBatch { get; set; } = 512;

    /// <summary>
    /// The journal is folded into LiteDB (a checkpoint) and emptied once it grows past this many bytes, so a restart
    /// replays little and the journal never grows without bound.
    /// </summary>
    public long JournalCheckpointBytes { get; set; } = 4 * 1024 * 1024;

    /// <summary>
    /// Writes are refused (not acknowledged) while the data folder's file system has less free space than this, so
    /// the disk never fills inside LiteDB's own writer thread, where an I/O error cannot be handled.
    /// </summary>
    public long MinimumFreeBytes { get; set; } = 64 * 1024 * 1024;

    /// <summary>Raw health reports are kept this long (the node page's recent history), then only hourly aggregates.</summary>
    public TimeSpan RawHealthRetention { get; set; } = TimeSpan.FromHours(48);

    /// <summary>Hourly health aggregates are kept this long.</summary>
    public TimeSpan AggregateRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>Issued commands and their outcomes are kept this long after they were issued (the node page, /api/commands).</summary>
    public TimeSpan CommandRetention { get; set; } = TimeSpan.FromDays(400);

    /// <summary>How often aggregation and pruning run (on the injected clock).</summary>
    public TimeSpan MaintenanceInterval { get; set; } = TimeSpan.FromMinutes(5);
}
