using System.Globalization;
using System.Text;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Storage;

/// <summary>
/// Keeps the bdSeq of the latest connect attempt in the data folder, written before the attempt, so a node restarted
/// after a crash or a power cut opens a session number its previous run never used: a late Will from that run then
/// cannot be mistaken for the new session's death.
/// </summary>
internal static class BdSeqFile
{
    private const string FileName = "bdseq";

    /// <summary>The stored bdSeq, or null when there is none (first run) or it cannot be read.</summary>
    public static int? Read(string dataDirectory)
    {
        try
        {
            var text = File.ReadAllText(Path.Combine(dataDirectory, FileName));
            return int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out var last) && last is >= 0 and <= 255
                ? last
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Stores <paramref name="bdSeq"/> durably (temporary file, fsync, rename).</summary>
    /// <exception cref="IOException">The data folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder.</exception>
    public static void Save(string dataDirectory, int bdSeq) =>
        DurableFile.Replace(Path.Combine(dataDirectory, FileName), Encoding.ASCII.GetBytes(bdSeq.ToString(CultureInfo.InvariantCulture)));
}
