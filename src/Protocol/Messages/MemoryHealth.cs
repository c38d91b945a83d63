namespace SmartLoudspeaker.Protocol.Messages;

/// <summary>Memory and storage, in mebibytes.</summary>
public sealed record MemoryHealth
{
    /// <summary>Total RAM (MemTotal).</summary>
    public long TotalMb { get; init; }

    /// <summary>RAM available to new work (MemAvailable).</summary>
    public long AvailableMb { get; init; }

    /// <summary>Size of the file system holding the node's data folder.</summary>
    public long DiskTotalMb { get; init; }

    /// <summary>Free space on that file system (available to the node's user).</summary>
    public long DiskFreeMb { get; init; }
}
