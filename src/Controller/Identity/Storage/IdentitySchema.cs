using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Identity.Storage;

/// <summary>
/// The identity feature's collections: enrolled (and revoked) node identities, pending enrolment requests, enrolment
/// tokens and identity rotations under way. All are small (a commune's nodes, at most
/// <c>Enrolment:MaxPendingRequests</c> requests, a few tokens) and read whole at start, so damage in them is found at
/// opening.
/// </summary>
internal sealed class IdentitySchema : IStoreSchema
{
    /// <summary>Node identities, <c>_id</c> = node id.</summary>
    public const string Identities = "node_identities";

    /// <summary>Pending enrolment requests, <c>_id</c> = node id (one per node, the newest kept).</summary>
    public const string Requests = "enrolment_requests";

    /// <summary>Enrolment tokens, <c>_id</c> = token id.</summary>
    public const string Tokens = "enrolment_tokens";

    /// <summary>Identity rotations sent and not yet completed, <c>_id</c> = node id.</summary>
    public const string Rotations = "identity_rotations";

    public IReadOnlyList<StoreCollection> Collections { get; } =
    [
        new(Identities, [], ReadWholeAtStart: true),
        new(Requests, [], ReadWholeAtStart: true),
        new(Tokens, [], ReadWholeAtStart: true),
        new(Rotations, [], ReadWholeAtStart: true),
    ];

    /// <summary>Nothing to migrate: the collections are new (a store without rotations has none under way).</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
    }
}
