namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The store file was written by a newer controller. Starting would risk misreading or rewriting it, and restarting
/// cannot help, so the controller exits with <see cref="ControllerExitCodes.StoreSchemaTooNew"/>.
/// </summary>
public sealed class StoreSchemaTooNewException : Exception
{
    /// <summary>Creates the exception for a file of schema <paramref name="found"/> when this build knows <paramref name="supported"/>.</summary>
    public StoreSchemaTooNewException(string path, int found, int supported)
        : base($"The store {path} has schema version {found}, but this controller understands up to {supported}. " +
               "It was written by a newer controller: run that version, or restore a backup made for this one. The file was not changed.")
    {
        Path = path;
        Found = found;
        Supported = supported;
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StoreSchemaTooNewException()
        : this(string.Empty, 0, 0)
    {
    }

    /// <summary>Creates the exception with a message only.</summary>
    public StoreSchemaTooNewException(string message)
        : base(message)
    {
        Path = string.Empty;
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    public StoreSchemaTooNewException(string message, Exception innerException)
        : base(message, innerException)
    {
        Path = string.Empty;
    }

    /// <summary>The store file.</summary>
    public string Path { get; }

    /// <summary>Schema version found in the file.</summary>
    public int Found { get; }

    /// <summary>Newest schema version this build understands.</summary>
    public int Supported { get; }
}
