using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Storage;

/// <summary>
/// The event outbox on disk: an append-only journal of JSON lines, <c>{"op":"add",…}</c> when an event is raised and
/// <c>{"op":"ack","ids":[…]}</c> / <c>{"op":"drop","ids":[…]}</c> when it leaves, rewritten (compacted) to the live
/// events when it has grown to more than twice their number. Not thread-safe: <see cref="EventOutbox"/> serialises it.
/// </summary>
/// <remarks>
/// An add is fsynced before it returns: the caller may then forget the event, so it must survive a power cut. An ack
/// is written but not fsynced: losing it in a power cut only makes the node send the event once more, which the
/// controller recognises by its id. A power cut in the middle of a write leaves a torn last line, which is skipped;
/// anything else unreadable means the file is not ours to trust, so it is moved aside for a technician and the node
/// starts with an empty outbox rather than crash-loop on it.
/// </remarks>
internal sealed class EventJournal : IDisposable
{
    /// <summary>The journal's name in the data folder.</summary>
    public const string FileName = "outbox.jsonl";

    /// <summary>A journal shorter than this is never compacted: rewriting a few lines saves nothing.</summary>
    private const int MinRecordsToCompact = 64;

    private readonly string _path;
    private FileStream? _stream;
    private int _records;
    private bool _mustRewrite;
    private bool _closed;

    private EventJournal(string path)
    {
        _path = path;
    }

    /// <summary>Path of the journal file.</summary>
    public string Path => _path;

    /// <summary>
    /// Opens (or creates) the journal in <paramref name="directory"/> and returns the events it holds, oldest first.
    /// The file is rewritten at once, so a torn tail never has a new record appended to it.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the folder.</exception>
    public static EventJournal Open(string directory, TimeProvider time, ILogger logger, out IReadOnlyList<PendingEvent> events)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        Directory.CreateDirectory(directory);
        var journal = new EventJournal(System.IO.Path.Combine(directory, FileName));
        var loaded = journal.Load(time, logger);
        journal.Compact(loaded);
        events = loaded;
        return journal;
    }

    /// <summary>Records a new event (and the one dropped to make room); on disk when this returns.</summary>
    public void Added(PendingEvent pending, PendingEvent? dropped)
    {
        var buffer = new ArrayBufferWriter<byte>();
        if (dropped is not null)
        {
            WriteRemoval(buffer, "drop", [dropped.Id]);
        }

        WriteAdd(buffer, pending);
        Append(buffer.WrittenSpan, dropped is null ? 1 : 2, flushToDisk: true);
    }

    /// <summary>Records acknowledged ids; written through to the OS, not fsynced (see the remarks).</summary>
    public void Acknowledged(IReadOnlyCollection<string> ids)
    {
        if (ids.Count == 0)
        {
            return;
        }

        var buffer = new ArrayBufferWriter<byte>();
        WriteRemoval(buffer, "ack", ids);
        Append(buffer.WrittenSpan, 1, flushToDisk: false);
    }

    /// <summary>True when the file holds more than twice the records needed for <paramref name="live"/> events.</summary>
    /// <remarks>Also true after a failed write, which may have left a partial line that the next record must not follow.</remarks>
    public bool ShouldCompact(int live) => _mustRewrite || (_records >= MinRecordsToCompact && _records > 2 * live);

    /// <summary>Rewrites the journal to exactly <paramref name="live"/> (temporary file, fsync, atomic rename).</summary>
    public void Compact(IEnumerable<PendingEvent> live)
    {
        var buffer = new ArrayBufferWriter<byte>();
        var count = 0;
        foreach (var pending in live)
        {
            WriteAdd(buffer, pending);
            count++;
        }

        if (_closed)
        {
            return;
        }

        _stream?.Dispose();
        _stream = null;
        DurableFile.Replace(_path, buffer.WrittenSpan);
        _records = count;
        _mustRewrite = false;
    }

    /// <inheritdoc />
    /// <remarks>Later writes are ignored: an agent that failed to stop in time must not reopen a file its successor owns.</remarks>
    public void Dispose()
    {
        _closed = true;
        _stream?.Dispose();
        _stream = null;
    }

    private void Append(ReadOnlySpan<byte> lines, int records, bool flushToDisk)
    {
        // Unbuffered: each record is one write(2), so a power cut can tear only the last line.
        try
        {
            _stream ??= new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read, bufferSize: 0);
            _stream.Write(lines);
            if (flushToDisk)
            {
                _stream.Flush(flushToDisk: true);
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _stream?.Dispose();
            _stream = null;
            _mustRewrite = true;
            throw;
        }

        _records += records;
    }

    private List<PendingEvent> Load(TimeProvider time, ILogger logger)
    {
        byte[] bytes;
        try
        {
            bytes = File.Exists(_path) ? File.ReadAllBytes(_path) : [];
        }
        catch (IOException exception)
        {
            MoveAside(time, logger, $"cannot be read ({exception.Message})");
            return [];
        }

        var lines = SplitLines(bytes);
        var live = new List<PendingEvent>();
        for (var i = 0; i < lines.Count; i++)
        {
            try
            {
                Apply(lines[i].Text, live);
            }
            catch (Exception exception) when (exception is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
            {
                if (i == lines.Count - 1)
                {
                    logger.LogWarning(
                        "Event outbox {Path}: last line {Line} is incomplete (a write cut short by a power loss?); skipped",
                        _path, lines[i].Number);
                    break;
                }

                MoveAside(time, logger, $"line {lines[i].Number} is damaged ({exception.Message})");
                return [];
            }
        }

        return live;
    }

    private void MoveAside(TimeProvider time, ILogger logger, string problem)
    {
        var aside = _path + ".corrupt-" + time.GetUtcNow().ToString("yyyyMMdd'T'HHmmssfff'Z'", CultureInfo.InvariantCulture);
        try
        {
            File.Move(_path, aside);
            logger.LogError(
                "Event outbox {Path}: {Problem}; moved to {Aside}, starting with an empty outbox (unacknowledged events in it are not resent)",
                _path, problem, aside);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogError(
                "Event outbox {Path}: {Problem}; could not move it aside ({Error}), starting with an empty outbox",
                _path, problem, exception.Message);
        }
    }

    /// <summary>Non-blank lines with their 1-based numbers; NUL padding (what some file systems leave after a crash) is blank.</summary>
    private static List<(int Number, string Text)> SplitLines(byte[] bytes)
    {
        var lines = new List<(int, string)>();
        var text = Encoding.UTF8.GetString(bytes);
        var number = 0;
        foreach (var line in text.Split('\n'))
        {
            number++;
            var trimmed = line.Trim().Trim('\0');
            if (trimmed.Length > 0)
            {
                lines.Add((number, trimmed));
            }
        }

        return lines;
    }

    private static void Apply(string line, List<PendingEvent> live)
    {
        using var document = JsonDocument.Parse(line);
        var root = document.RootElement;
        var op = root.GetProperty("op").GetString();
        switch (op)
        {
            case "add":
                var pending = ReadAdd(root);
                if (!live.Exists(existing => existing.Id == pending.Id))
                {
                    live.Add(pending);
                }

                break;
            case "ack" or "drop":
                var ids = root.GetProperty("ids").EnumerateArray().Select(id => id.GetString()).ToHashSet(StringComparer.Ordinal);
                live.RemoveAll(existing => ids.Contains(existing.Id));
                break;
            default:
                throw new FormatException($"unknown record '{op}'");
        }
    }

    private static PendingEvent ReadAdd(JsonElement root)
    {
        var id = root.GetProperty("id").GetString();
        var kind = root.GetProperty("kind").GetString();
        if (string.IsNullOrEmpty(id) || string.IsNullOrEmpty(kind))
        {
            throw new FormatException("an event needs an id and a kind");
        }

        var severityName = root.GetProperty("severity").GetString();
        if (!Enum.TryParse<EventSeverity>(severityName, ignoreCase: false, out var severity) || !Enum.IsDefined(severity)
            || int.TryParse(severityName, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
        {
            throw new FormatException($"unknown severity '{severityName}'");
        }

        return new PendingEvent(
            id,
            root.GetProperty("ts").GetDateTimeOffset(),
            kind,
            severity,
            root.TryGetProperty("code", out var code) ? code.GetString() : null,
            root.TryGetProperty("text", out var text) ? text.GetString() : null);
    }

    private static void WriteAdd(ArrayBufferWriter<byte> buffer, PendingEvent pending)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("op", "add");
            writer.WriteString("id", pending.Id);
            writer.WriteString("ts", pending.Ts);
            writer.WriteString("kind", pending.Kind);
            writer.WriteString("severity", pending.Severity.ToString());
            if (pending.Code is not null)
            {
                writer.WriteString("code", pending.Code);
            }

            if (pending.Text is not null)
            {
                writer.WriteString("text", pending.Text);
            }

            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }

    private static void WriteRemoval(ArrayBufferWriter<byte> buffer, string op, IEnumerable<string> ids)
    {
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("op", op);
            writer.WriteStartArray("ids");
            foreach (var id in ids)
            {
                writer.WriteStringValue(id);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        buffer.Write("\n"u8);
    }
}
