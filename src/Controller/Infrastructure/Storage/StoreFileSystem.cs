namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The store's view of the disk beyond LiteDB: the journal file and the free space. A seam so tests can make the
/// disk "full" honestly (a stream that throws like ENOSPC) without filling the machine's disk.
/// </summary>
internal class StoreFileSystem
{
    /// <summary>Opens (creating when missing) the journal file for reading and appending.</summary>
    public virtual Stream OpenJournal(string path) =>
        new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read, bufferSize: 1, FileOptions.None);

    /// <summary>Bytes free to an unprivileged writer on the file system holding <paramref name="directory"/>.</summary>
    public virtual long FreeBytes(string directory) => new DriveInfo(directory).AvailableFreeSpace;
}
