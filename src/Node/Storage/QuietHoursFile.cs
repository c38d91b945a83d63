using System.Text.Json;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Storage;

/// <summary>
/// The quiet hours set by "set-quiet-hours", in <c>quiet-hours.json</c> in the data folder as the command's body, so a
/// node that restarts at night (a power cut, a watchdog) stays quiet without waiting for the Controller.
/// </summary>
internal static class QuietHoursFile
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "quiet-hours.json";

    /// <summary>
    /// The stored setting, or null when there is none or it is unreadable or invalid (logged: the node then enforces
    /// the default until the Controller's reconciler sends the commune's setting again).
    /// </summary>
    public static QuietHoursSetting? Read(string dataDirectory, ILogger logger)
    {
        var path = Path.Combine(dataDirectory, FileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var body = JsonSerializer.Deserialize(File.ReadAllBytes(path), ProtocolJsonContext.Default.SetQuietHoursCommand);
            if (body is not null && QuietHoursSetting.From(body) is { } setting)
            {
                return setting;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            logger.LogWarning("Cannot read the quiet hours in {Path} ({Error}); the default applies until the Controller sends them", path, exception.Message);
            return null;
        }

        logger.LogWarning("The quiet hours in {Path} are invalid here; the default applies until the Controller sends them", path);
        return null;
    }

    /// <summary>Stores <paramref name="setting"/> durably (temporary file, fsync, rename).</summary>
    /// <exception cref="IOException">The data folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder.</exception>
    public static void Save(string dataDirectory, QuietHoursSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        Directory.CreateDirectory(dataDirectory);
        DurableFile.Replace(
            Path.Combine(dataDirectory, FileName),
            JsonSerializer.SerializeToUtf8Bytes(setting.ToBody(), ProtocolJsonContext.Default.SetQuietHoursCommand));
    }
}
