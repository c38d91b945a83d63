using System.Globalization;
using System.Text;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node;

/// <summary>
/// The heartbeat interval set by a "set-heartbeat" command, in <c>heartbeat</c> in the data folder (whole seconds),
/// so the Controller's choice (a longer interval to save 4G data) outlives a restart.
/// </summary>
internal static class HeartbeatFile
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "heartbeat";

    /// <summary>Shortest interval a command may set.</summary>
    public static readonly TimeSpan Min = TimeSpan.FromSeconds(10);

    /// <summary>Longest interval a command may set.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromHours(1);

    /// <summary>The stored interval, or null when there is none or it is unreadable or out of range.</summary>
    public static TimeSpan? Read(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, FileName));
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds)
                && TimeSpan.FromSeconds(seconds) is var interval && interval >= Min && interval <= Max
                ? interval
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
