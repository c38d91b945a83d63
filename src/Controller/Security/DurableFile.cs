using System.Runtime.InteropServices;
using System.Text;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// Replaces a small file so that it survives a crash or a power cut: write a temporary sibling, fsync it, rename it
/// over the old one (atomic on POSIX: a reader sees the old or the new file, never a mix) and fsync the directory, so
/// the rename itself is on disk. The sequence reservation depends on this: a number may be used only once its block
/// is on disk.
/// </summary>
internal static class DurableFile
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
    /// fsyncs a directory so a rename in it is durable. .NET cannot open a directory as a stream, so this goes to libc;
    /// elsewhere than Linux it does nothing (the data itself is already synced).
    /// </summary>
    private static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            // O_RDONLY is 0 on every Linux architecture; O_DIRECTORY differs between x86-64 and arm64, so it is left out.
            // The path goes as NUL-terminated UTF-8 bytes, so no string marshalling is involved.
            var descriptor = NativeMethods.Open(Encoding.UTF8.GetBytes(directory + "\0"), 0);
            if (descriptor < 0)
            {
                return;
            }

            _ = NativeMethods.Fsync(descriptor);
            _ = NativeMethods.Close(descriptor);
        }
        catch (Exception exception) when (exception is DllNotFoundException or EntryPointNotFoundException)
        {
            // A libc we cannot bind: the rename stays in the page cache until the kernel writes it back.
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc.so.6", EntryPoint = "open")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Open(byte[] path, int flags);

        [DllImport("libc.so.6", EntryPoint = "fsync")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Fsync(int descriptor);

        [DllImport("libc.so.6", EntryPoint = "close")]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Close(int descriptor);
    }
}
