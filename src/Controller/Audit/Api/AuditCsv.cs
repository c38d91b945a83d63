using System.Globalization;
using System.Text;

namespace SmartLoudspeaker.Controller.Audit.Api;

/// <summary>
/// The audit log as CSV (RFC 4180): UTF-8 with a byte order mark, so that a spreadsheet reads Vietnamese names right;
/// CRLF line ends; a field quoted when it holds a comma, a quote or a line end. A field that a spreadsheet would take
/// for a formula (starting with = + - @, a tab or a CR) gets a leading apostrophe: an actor or target is text someone
/// typed, and must not run when the file is opened (CSV injection).
/// </summary>
internal static class AuditCsv
{
    public const string ContentType = "text/csv; charset=utf-8";
    private static readonly string[] Header = ["at", "actor", "action", "outcome", "target", "source", "detail", "id"];

    /// <summary>Writes <paramref name="entries"/> as they are read, flushing now and then, so no file is built in memory.</summary>
    public static async Task WriteAsync(Stream output, IEnumerable<AuditEntry> entries, TimeZoneInfo zone, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(entries);
        await output.WriteAsync(Encoding.UTF8.Preamble.ToArray(), cancellationToken);
        var writer = new StreamWriter(output, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        await using (writer.ConfigureAwait(false))
        {
            await writer.WriteAsync(Line(Header).AsMemory(), cancellationToken);
            var written = 0;
            foreach (var entry in entries)
            {
                var at = TimeZoneInfo.ConvertTime(entry.At, zone).ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);
                await writer.WriteAsync(Line([at, entry.Actor, entry.Action, entry.Outcome.ToString(), entry.Target, entry.Source, entry.Detail, entry.Id]).AsMemory(), cancellationToken);
                if (++written % 200 == 0)
                {
                    await writer.FlushAsync(cancellationToken);
                }
            }
        }
    }

    /// <summary>One record: its fields made safe and quoted as needed, and CRLF.</summary>
    public static string Line(IEnumerable<string?> fields) => string.Join(',', fields.Select(Field)) + "\r\n";

    private static string Field(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return string.Empty;
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        return value.AsSpan().IndexOfAny(",\"\r\n") >= 0 ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }
}
