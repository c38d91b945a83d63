namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// Another opener holds the store's lock: a second Controller on the same data folder, in this process or another.
/// Opening anyway would let two LiteDB engines write one file, which corrupts it; the Controller exits with
/// <see cref="ControllerExitCodes.StoreInUse"/> instead, and the service manager may try again once the holder has gone.
/// Internal, with the one constructor that fills <see cref="Path"/> and <see cref="Holder"/>: nothing outside the
/// Controller throws or catches it, and a message-only instance would name neither.
/// </summary>
internal sealed class StoreInUseException : Exception
{
    /// <summary>Creates the exception for the store at <paramref name="path"/>, held by <paramref name="holder"/>.</summary>
    public StoreInUseException(string path, string holder, Exception innerException)
        : base($"The store {path} is in use by another Controller ({holder}); only one may open it at a time. " +
               "Stop that one, or give this one another Store:DataDirectory. The store was not opened.", innerException)
    {
        Path = path;
        Holder = holder;
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <summary>Who holds the lock, as the holder described itself (process id, host, since when).</summary>
    public string Holder { get; }
}
