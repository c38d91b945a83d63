using System.Text;
using System.Text.Json;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Storage;

/// <summary>
/// The verified Controller key certificates (exactly as received, so they are re-verified against the pinned root at
/// every start) and the revoked key ids, in <c>trust.json</c> in the data folder: a rebooted node can verify commands
/// before the broker has redelivered the retained certificates, and an old revocation list replayed to it cannot take a
/// revocation back.
/// </summary>
internal static class TrustFile
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "trust.json";

    /// <summary>The stored certificates and revoked kids; empty when there is no file.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="JsonException">The file is not ours.</exception>
    public static (IReadOnlyList<byte[]> Certificates, IReadOnlyList<string> Revoked) Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return ([], []);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var certificates = root.GetProperty("certificates").EnumerateArray().Select(e => Encoding.UTF8.GetBytes(e.GetString()!)).ToList();
        var revoked = root.GetProperty("revoked").EnumerateArray().Select(e => e.GetString()!).ToList();
        return (certificates, revoked);
    }

    /// <summary>Stores them durably (temporary file, fsync, rename).</summary>
    /// <exception cref="IOException">The data folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder.</exception>
    public static void Save(string dataDirectory, IEnumerable<byte[]> certificates, IEnumerable<string> revoked)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", 1);
            writer.WriteStartArray("certificates");
            foreach (var certificate in certificates)
            {
                writer.WriteStringValue(Encoding.UTF8.GetString(certificate));
            }

            writer.WriteEndArray();
            writer.WriteStartArray("revoked");
            foreach (var kid in revoked.Order(StringComparer.Ordinal))
            {
                writer.WriteStringValue(kid);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Directory.CreateDirectory(dataDirectory);
        DurableFile.Replace(Path.Combine(dataDirectory, FileName), buffer.ToArray());
    }
}
