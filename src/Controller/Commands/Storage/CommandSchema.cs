using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Commands.Storage;

/// <summary>The command log's collections as registered with the store engine: issued commands and node acknowledgements.</summary>
internal sealed class CommandSchema : IStoreSchema
{
    /// <summary>Issued commands, <c>_id</c> = command id, indexed by issue instant (newest first at start, pruning).</summary>
    public const string Commands = "commands";

    /// <summary>The last acknowledgement each node sent for a command, <c>_id</c> = "{node}/{command id}".</summary>
    public const string Acks = "acks";

    public IReadOnlyList<StoreCollection> Collections { get; } =
    [
        new(Commands, [new StoreIndex("at")]),
        new(Acks, [new StoreIndex("node")]),
    ];

    /// <summary>Nothing to migrate: the step from schema 1 to 2 re-keyed only the fleet's health and events.</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
    }
}
