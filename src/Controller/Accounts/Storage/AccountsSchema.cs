using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Accounts.Storage;

/// <summary>
/// The accounts' collections: <c>users</c> (keyed by sign-in name), <c>sessions</c> and <c>apiTokens</c> (keyed by
/// their public ids). All three are small and read whole at start into <see cref="AccountDirectory"/>, which keeps
/// names unique itself (no unique index: a runtime upsert breaking one would fail every feature's batch).
/// </summary>
internal sealed class AccountsSchema : IStoreSchema
{
    public const string Users = "users";
    public const string Sessions = "sessions";
    public const string Tokens = "apiTokens";

    public IReadOnlyList<StoreCollection> Collections { get; } =
    [
        new(Users, [], ReadWholeAtStart: true),
        new(Sessions, [], ReadWholeAtStart: true),
        new(Tokens, [], ReadWholeAtStart: true),
    ];

    /// <summary>The collections are new: nothing older to re-shape (adding collections needs no schema version).</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
    }
}
