using System.Globalization;

namespace SmartLoudspeaker.Node;

/// <summary>
/// Keeps the last bdSeq in the data folder, so a restarted node opens a session number the controller has not just
/// seen: a late Will from the previous run then cannot be mistaken for the new session's death.
/// </summary>
internal static class BdSeqFile
{
    private const string FileName = "bdseq";

    /// <summary>The bdSeq the next run should start with: one past the stored one, or 0.</summary>
    public static int Next(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, FileName));
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var last) && last is >= 0 and <= 255
                ? (last + 1) % 256
                : 0;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>Stores <paramref name="bdSeq"/>; best effort (a read-only data folder only costs the hint).</summary>
    public static bool TrySave(string dataDirectory, int bdSeq)
    {
        try
        {
            Directory.CreateDirectory(dataDirectory);
            File.WriteAllText(Path.Combine(dataDirectory, FileName), bdSeq.ToString(CultureInfo.InvariantCulture));
            return true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
