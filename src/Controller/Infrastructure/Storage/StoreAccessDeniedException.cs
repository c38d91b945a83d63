namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The Controller's user may not open one of the store's files (typically it belongs to another user, left by a
/// Controller started once as root). Nothing was opened; the Controller exits with
/// <see cref="ControllerExitCodes.StoreAccessDenied"/>, which restarting cannot fix: the file's owner must change.
/// </summary>
internal sealed class StoreAccessDeniedException : Exception
{
    /// <summary>Creates the exception for <paramref name="file"/>, which this user may not open.</summary>
    public StoreAccessDeniedException(string file, Exception innerException)
        : base($"The store cannot be opened: this user ({Environment.UserName}) may not open {file} ({innerException.Message}). " +
               "Give the data folder and every file in it to the Controller's user (for example " +
               $"chown -R smartloudspeaker: {System.IO.Path.GetDirectoryName(file)}), then start again. The store was not opened.", innerException)
    {
        File = file;
    }

    /// <summary>The file that could not be opened.</summary>
    public string File { get; }
}
