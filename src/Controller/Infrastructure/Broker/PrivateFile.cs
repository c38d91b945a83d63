using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// Replaces a file holding secrets (or hashes of them) atomically with a given mode: a temporary sibling created with
/// that mode, fsynced, renamed over the file, the folder fsynced (as <see cref="DurableFile"/>, which leaves the mode
/// to the umask). A reader sees the old or the new file, never a mix, and never a moment it is more readable.
/// </summary>
internal static class PrivateFile
{
    /// <summary>Readable and writable by the owner only (0600).</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    /// <summary>Also readable by the group (0640): a broker running under another user in the owner's group.</summary>
    public const UnixFileMode OwnerAndGroupRead = OwnerOnly | UnixFileMode.GroupRead;

    /// <summary>Atomically replaces <paramref name="path"/> with <paramref name="content"/> and mode <paramref name="mode"/>.</summary>
    public static void Replace(string path, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var temporary = path + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write, Share = FileShare.None };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using (var stream = new FileStream(temporary, options))
        {
            if (!OperatingSystem.IsWindows())
            {
                // The create mode applies only to a new file; a temporary left by a crash keeps its old mode otherwise.
                File.SetUnixFileMode(stream.SafeFileHandle, mode);
            }

            stream.Write(content);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
        DurableFile.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
    }
}
