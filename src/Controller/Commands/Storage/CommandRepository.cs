using System.Text;
using System.Text.Json;
using LiteDB;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commands.Storage;

/// <summary>
/// The command log's persistence over the store engine: issued commands (collection <c>commands</c>): one document
/// per command, <c>_id</c> = the command id, replaced whole by each change (an answer, a resend), so every write is an
/// idempotent upsert like the rest of the journal; and the acknowledgements nodes sent (<c>acks</c>), stored by ingest.
/// </summary>
internal sealed class CommandRepository : ICommandStore, IStoreMaintenance
{
    private readonly StoreEngine _engine;
    private readonly StoreReader _reads;
    private readonly StoreOptions _options;
    private readonly ILogger<CommandRepository> _logger;

    public CommandRepository(StoreEngine engine, IOptions<StoreOptions> options, ILogger<CommandRepository> logger)
    {
        _engine = engine;
        _reads = engine.Reads;
        _options = options.Value;
        _logger = logger;
    }

    public Task SaveCommandAsync(StoredCommand command) => _engine.Enqueue(StoreOp.Upsert(CommandSchema.Commands, ToDocument(command)));

    public Task AddCommandAckAsync(CommandAckRecord record) =>
        _engine.Enqueue(StoreOp.Upsert(CommandSchema.Acks, new BsonDocument
        {
            ["_id"] = record.NodeId + "/" + record.Ack.Id,
            ["node"] = record.NodeId,
            ["command"] = record.Ack.Id,
            ["at"] = record.ReceivedAt.UtcTicks,
            ["json"] = Encoding.UTF8.GetString(WireCodec.Encode(record.Ack)),
        }));

    public IReadOnlyList<StoredCommand> RecentCommands(int max) =>
        ReadCommands(_reads.Find(CommandSchema.Commands, Query.All("at", Query.Descending), 0, max));

    public StoredCommand? FindCommand(string commandId) =>
        _reads.FindById(CommandSchema.Commands, commandId) is { } document ? ReadCommands([document]).FirstOrDefault() : null;

    /// <summary>Prunes commands issued longer than <c>Store:CommandRetention</c> before <paramref name="now"/> (<c>acks</c> is not pruned yet).</summary>
    public Task MaintainAsync(DateTimeOffset now) =>
        _engine.Enqueue(StoreOp.DeleteBefore(CommandSchema.Commands, (now - _options.CommandRetention).UtcTicks));

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
        var stored = _reads.FindById(CommandSchema.Acks, nodeId + "/" + commandId);
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

    private static DateTimeOffset FromTicks(BsonValue value) => new(value.AsInt64, TimeSpan.Zero);
}
