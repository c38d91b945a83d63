using System.Globalization;
using System.Text;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Storage;

/// <summary>
/// The heartbeat interval set by a "set-heartbeat" command, in <c>heartbeat</c> in the data folder (whole seconds),
/// so the Controller's choice (a longer interval to save 4G data) outlives a restart.
/// </summary>
internal static class HeartbeatFile
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "heartbeat";

    /// <summary>
    /// The stored interval, or null when there is none, it is unreadable, or outside what a "set-heartbeat" body may
    /// ask (<see cref="SetHeartbeatCommand.Validate"/>'s range: the file holds nothing a command could not have set).
    /// </summary>
    public static TimeSpan? Read(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, FileName));
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                && new SetHeartbeatCommand { HeartbeatSeconds = seconds }.Validate() is null
                ? TimeSpan.FromSeconds(seconds)
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="interval"/> durably.</summary>
    /// <exception cref="IOException">The data folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder.</exception>
    public static void Save(string dataDirectory, TimeSpan interval)
    {
        Directory.CreateDirectory(dataDirectory);
        DurableFile.Replace(
            Path.Combine(dataDirectory, FileName),
            Encoding.ASCII.GetBytes(((int)interval.TotalSeconds).ToString(CultureInfo.InvariantCulture)));
    }
}
