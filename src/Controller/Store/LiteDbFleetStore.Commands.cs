using System.Text;
using System.Text.Json;
using LiteDB;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Store;

/// <summary>
/// Issued commands (collection <c>commands</c>): one document per command, <c>_id</c> = the command id, replaced
/// whole by each change (an answer, a resend), so every write is an idempotent upsert like the rest of the journal.
/// </summary>
internal sealed partial class LiteDbFleetStore
{
    public Task SaveCommandAsync(StoredCommand command) => _writer.Enqueue(StoreOp.Upsert(StoreCollections.Commands, ToDocument(command)));

    public IReadOnlyList<StoredCommand> RecentCommands(int max) =>
        ReadCommands(_database.GetCollection(StoreCollections.Commands).Find(Query.All("at", Query.Descending), 0, max));

    public StoredCommand? FindCommand(string commandId) =>
        _database.GetCollection(StoreCollections.Commands).FindById(commandId) is { } document ? ReadCommands([document]).FirstOrDefault() : null;

    private List<StoredCommand> ReadCommands(IEnumerable<BsonDocument> documents)
    {
        var commands = new List<StoredCommand>();
        foreach (var document in documents)
        {
            try
            {
                commands.Add(ToCommand(document));
            }
            catch (Exception exception) when (exception is InvalidCastException or ArgumentException or FormatException or KeyNotFoundException or JsonException)
            {
                _logger.LogWarning("Skipping unreadable stored command {Document}: {Message}", document["_id"], exception.Message);
            }
        }

        return commands;
    }

    private static BsonDocument ToDocument(StoredCommand command) => new()
    {
        ["_id"] = command.Command.Id,
        ["at"] = command.Command.Ts.UtcTicks,
        ["exp"] = command.Command.Exp.UtcTicks,
        ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(command.Command)),
        ["seqs"] = new BsonArray(command.Seqs.Select(seq => new BsonValue(seq))),
        ["lastSent"] = command.LastSentAt.UtcTicks,
        ["outcomes"] = new BsonArray(command.Outcomes.Select(ToDocument)),
    };

    private static BsonDocument ToDocument(StoredOutcome outcome)
    {
        var document = new BsonDocument { ["node"] = outcome.NodeId };
        if (outcome.Status is { } status)
        {
            document["status"] = StatusName(status);
            document["at"] = outcome.At!.Value.UtcTicks;
        }

        if (outcome.Reason is not null)
        {
            document["reason"] = outcome.Reason;
        }

        if (outcome.Result is { } result)
        {
            document["result"] = result.GetRawText();
        }

        return document;
    }

    /// <summary>
    /// The document, with each addressed node that has no answer in it filled from that node's stored acknowledgement
    /// (<c>acks</c>): ingest stores an answer durably before the command's document is updated with it, so a crash
    /// between the two must not turn an answered command into an unanswered one.
    /// </summary>
    private StoredCommand ToCommand(BsonDocument document)
    {
        var decoded = WireCodec.Decode<SignedCommand>(Encoding.UTF8.GetBytes(document["json"].AsString));
        if (!decoded.Succeeded)
        {
            throw new FormatException($"its signed part does not decode: {decoded.Detail}");
        }

        var command = decoded.Message!;
        var outcomes = document["outcomes"].AsArray.Select(value => value.AsDocument).Select(outcome =>
            outcome.TryGetValue("status", out var status)
                ? new StoredOutcome(
                    outcome["node"].AsString,
                    ParseStatus(status.AsString),
                    outcome.TryGetValue("reason", out var reason) ? reason.AsString : null,
                    outcome.TryGetValue("result", out var result) ? ParseResult(result.AsString) : null,
                    FromTicks(outcome["at"]))
                : StoredAck(command.Id, outcome["node"].AsString)).ToArray();
        return new StoredCommand(command, document["seqs"].AsArray.Select(seq => seq.AsInt64).ToArray(), FromTicks(document["lastSent"]), outcomes);
    }

    private StoredOutcome StoredAck(string commandId, string nodeId)
    {
        var stored = _database.GetCollection(StoreCollections.Acks).FindById(nodeId + "/" + commandId);
        var ack = stored is null ? null : WireCodec.Decode<CommandAck>(Encoding.UTF8.GetBytes(stored["json"].AsString)).Message;
        return ack is null
            ? new StoredOutcome(nodeId, null, null, null, null)
            : new StoredOutcome(nodeId, ack.Status, ack.Reason, ack.Result?.Clone(), FromTicks(stored!["at"]));
    }

    private static JsonElement ParseResult(string json)
    {
        using var parsed = JsonDocument.Parse(json);
        return parsed.RootElement.Clone();
    }

    private static string StatusName(CommandAckStatus status) =>
        System.Text.Json.JsonSerializer.Serialize(status, ProtocolJsonContext.Default.CommandAckStatus).Trim('"');

    private static CommandAckStatus ParseStatus(string name) =>
        System.Text.Json.JsonSerializer.Deserialize("\"" + name + "\"", ProtocolJsonContext.Default.CommandAckStatus);
}
