using System.Runtime.InteropServices;

namespace SmartLoudspeaker.Protocol.Storage;

/// <summary>
/// Writes that survive a power cut: a Pi on a village UPS loses power mid-write more often than a server does, and
/// the page cache is lost with it. A file is replaced by writing a temporary sibling, fsyncing it, renaming it over
/// the old one (atomic on POSIX: a reader sees the old or the new file, never a mix) and fsyncing the directory, so the
/// rename itself is on disk. The Controller's sequence reservation depends on it too: a command number may be used
/// only once its block is on disk.
/// It lives in Protocol although it is not part of the wire because Protocol is the one assembly both the node and the
/// Controller reference: two copies had already drifted apart (string marshalling on one side, raw bytes on the other).
/// </summary>
public static partial class DurableFile
{
    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="content"/>, on disk when this returns.</summary>
    /// <exception cref="IOException">The file system refused (full, read-only, …).</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the folder.</exception>
    public static void Replace(string path, ReadOnlySpan<byte> content)
    {
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }

    /// <summary>
    /// fsyncs a directory so a rename or a new file in it is durable. .NET cannot open a directory as a stream, so
    /// this goes to libc; elsewhere than Linux it does nothing (best effort: the data itself is already synced).
    /// </summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            // O_RDONLY is 0 on every Linux architecture; O_DIRECTORY is not (x86-64 and arm64 differ), so it is left out.
            var descriptor = Open(directory, 0);
            if (descriptor < 0)
            {
                return;
            }

            _ = Fsync(descriptor);
            _ = Close(descriptor);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc we cannot bind: the rename stays in the page cache until the kernel writes it back.
        }
    }

    [LibraryImport("libc.so.6", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc.so.6", EntryPoint = "fsync")]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc.so.6", EntryPoint = "close")]
    private static partial int Close(int descriptor);
}
