using System.Text.Json;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Storage;

namespace SmartLoudspeaker.Node.Storage;

/// <summary>
/// The command sequence numbers the node has accepted (<see cref="ReplayState"/>) and the outcomes of recent command
/// ids, in <c>commands.json</c> in the data folder. Written durably after a command is accepted and before it is acted
/// on: a node that lost power a moment later must still refuse that command when it is replayed after the reboot.
/// Version 2 adds the replay floor; a version 1 file (whose guard forgot numbers 1,024 below its high-water mark) is
/// read with the floor it had then, so nothing that guard forgot becomes acceptable again. Version 3 adds each
/// outcome's <c>exp</c>, which decides how long it is kept; an outcome from an older file, which has none, is given the
/// latest expiry its command could have had (<see cref="LegacyExpiry"/>), so it is kept too long rather than too short.
/// </summary>
internal static class CommandStateFile
{
    /// <summary>The file's name in the data folder.</summary>
    public const string FileName = "commands.json";

    /// <summary>The version this build writes.</summary>
    public const int Version = 3;

    /// <summary>How far below its high-water mark a version 1 guard remembered numbers; everything older it refused.</summary>
    private const long Version1Window = 1024;

    /// <summary>
    /// How long after the node's decision an outcome without a stored <c>exp</c> is kept: the longest lifetime a command
    /// can have, after a <c>ts</c> at most one clock skew ahead of the node, plus the skew the expiry check allows.
    /// </summary>
    public static readonly TimeSpan LegacyExpiry = SignedCommand.MaxLifetime + CommandVerifier.MaxClockSkew;

    /// <summary>The stored state; empty when there is no file.</summary>
    /// <exception cref="IOException">The file exists but cannot be read.</exception>
    /// <exception cref="JsonException">The file is not ours.</exception>
    /// <exception cref="InvalidOperationException">A value has the wrong JSON type.</exception>
    /// <exception cref="FormatException">A timestamp is not one.</exception>
    /// <exception cref="InvalidDataException">A version this build does not know (written by a newer one).</exception>
    public static (ReplayState Replay, IReadOnlyList<CommandOutcome> Outcomes) Read(string dataDirectory)
    {
        var path = Path.Combine(dataDirectory, FileName);
        if (!File.Exists(path))
        {
            return (ReplayState.Empty, []);
        }

        using var document = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = document.RootElement;
        var version = root.TryGetProperty("v", out var v) ? v.GetInt32() : 1;
        var highWater = root.GetProperty("highWater").GetInt64();
        var floor = version switch
        {
            1 => highWater - Version1Window,
            2 or Version => root.GetProperty("floor").GetInt64(),
            _ => throw new InvalidDataException($"version {version}; this build reads versions 1 to {Version}"),
        };
        var replay = new ReplayState(highWater, floor, [.. root.GetProperty("recent").EnumerateArray().Select(e => e.GetInt64())]);
        var outcomes = root.GetProperty("outcomes").EnumerateArray().Select(ReadOutcome).ToList();
        return (replay, outcomes);
    }

    /// <summary>Stores the state durably (temporary file, fsync, rename).</summary>
    /// <exception cref="IOException">The data folder cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder.</exception>
    public static void Save(string dataDirectory, ReplayState replay, IEnumerable<CommandOutcome> outcomes)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteNumber("v", Version);
            writer.WriteNumber("highWater", replay.HighWater);
            writer.WriteNumber("floor", replay.Floor);
            writer.WriteStartArray("recent");
            foreach (var seq in replay.Recent)
            {
                writer.WriteNumberValue(seq);
            }

            writer.WriteEndArray();
            writer.WriteStartArray("outcomes");
            foreach (var outcome in outcomes)
            {
                WriteOutcome(writer, outcome);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        Directory.CreateDirectory(dataDirectory);
        DurableFile.Replace(Path.Combine(dataDirectory, FileName), buffer.ToArray());
    }

    private static void WriteOutcome(Utf8JsonWriter writer, CommandOutcome outcome)
    {
        writer.WriteStartObject();
        writer.WriteString("id", outcome.Id);
        // The content hash (type, target, body). Builds before resends were signed anew stored a hash of the bytes here;
        // such a file only makes resends of its commands refused as "id reused", failing safe.
        writer.WriteString("hash", outcome.Content);
        writer.WriteString("exp", outcome.Exp);
        writer.WriteString("status", outcome.Status switch
        {
            CommandAckStatus.Done => "done",
            CommandAckStatus.Failed => "failed",
            CommandAckStatus.Refused => "refused",
            _ => "pending",
        });
        if (outcome.Reason is not null)
        {
            writer.WriteString("reason", outcome.Reason);
        }

        if (outcome.Result is { } result)
        {
            writer.WritePropertyName("result");
            result.WriteTo(writer);
        }

        writer.WriteString("ts", outcome.Ts);
        writer.WriteEndObject();
    }

    private static CommandOutcome ReadOutcome(JsonElement element)
    {
        var ts = element.GetProperty("ts").GetDateTimeOffset();
        return new(
            element.GetProperty("id").GetString()!,
            element.GetProperty("hash").GetString()!,
            element.TryGetProperty("exp", out var exp) ? exp.GetDateTimeOffset() : ts + LegacyExpiry,
            element.GetProperty("status").GetString() switch
            {
                "done" => CommandAckStatus.Done,
                "failed" => CommandAckStatus.Failed,
                "refused" => CommandAckStatus.Refused,
                _ => null,
            },
            element.TryGetProperty("reason", out var reason) ? reason.GetString() : null,
            element.TryGetProperty("result", out var result) ? result.Clone() : null,
            ts);
    }
}
