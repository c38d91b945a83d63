using System.Globalization;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The one-opener rule of the store: an exclusive OS lock on <c>{store}.lock</c>, held from before LiteDB opens until
/// after it has closed. .NET takes the lock with <c>flock(LOCK_EX | LOCK_NB)</c> on Linux when a file is opened with
/// <see cref="FileShare.None"/> (a share-mode lock on Windows); flock locks belong to an open file, so a second
/// opener in the same process is refused exactly like one in another process, and the kernel drops the lock when its
/// holder dies, so a crash leaves nothing to clean up. Who holds it is written to <c>{store}.holder</c> for the
/// refusal message only: the lock itself makes the file unreadable to other .NET openers, and a stale description
/// can never lock anyone out.
/// </summary>
internal sealed class StoreLock : IDisposable
{
    private readonly FileStream _lock;
    private readonly string _holderPath;

    private StoreLock(FileStream lockFile, string holderPath)
    {
        _lock = lockFile;
        _holderPath = holderPath;
    }

    /// <summary>
    /// Takes the lock of the store at <paramref name="storePath"/> at once, or throws <see cref="StoreInUseException"/>
    /// (someone holds it) or <see cref="StoreAccessDeniedException"/> (the lock or holder file belongs to another user).
    /// </summary>
    public static StoreLock Acquire(string storePath, TimeProvider timeProvider)
    {
        var holderPath = storePath + ".holder";
        var lockPath = storePath + ".lock";
        FileStream lockFile;
        try
        {
            // The lock file is never deleted: deleting it would let a waiting opener lock the old file while a new
            // one locks a fresh file of the same name, and both would open the store.
            lockFile = new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.None);
        }
        catch (IOException refused)
        {
            throw new StoreInUseException(storePath, DescribeHolder(holderPath), refused);
        }
        catch (UnauthorizedAccessException denied)
        {
            throw new StoreAccessDeniedException(lockPath, denied);
        }

        try
        {
            var description = string.Create(
                CultureInfo.InvariantCulture,
                $"process {Environment.ProcessId} on {Environment.MachineName}, holding it since {timeProvider.GetUtcNow():yyyy-MM-dd'T'HH:mm:ss'Z'}");
            var temporary = holderPath + ".tmp";
            try
            {
                File.WriteAllText(temporary, description + Environment.NewLine);
                File.Move(temporary, holderPath, overwrite: true);
            }
            catch (UnauthorizedAccessException denied)
            {
                // The holder files are only a description, but one this user may not replace means the data folder
                // has mixed owners: LiteDB's own files would be refused next, and must not be taken for damage.
                throw new StoreAccessDeniedException(holderPath, denied);
            }

            return new StoreLock(lockFile, holderPath);
        }
        catch
        {
            lockFile.Dispose();
            throw;
        }
    }

    /// <summary>Releases the lock; call only once LiteDB has closed its files.</summary>
    public void Dispose()
    {
        try
        {
            File.Delete(_holderPath);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A description left behind is harmless: it is read only while someone holds the lock, who rewrote it.
        }

        _lock.Dispose();
    }

    private static string DescribeHolder(string holderPath)
    {
        try
        {
            return File.ReadAllText(holderPath).Trim();
        }
        catch (IOException)
        {
            return "holder unknown: it has not described itself yet";
        }
        catch (UnauthorizedAccessException)
        {
            return $"holder unknown: this user may not read {holderPath}";
        }
    }
}
