using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Commune.Storage;

/// <summary>The commune settings' one collection, <c>commune_settings</c>, holding one document, read whole at start.</summary>
internal sealed class CommuneSettingsSchema : IStoreSchema
{
    /// <summary>The collection's on-disk name, never renamed.</summary>
    public const string Collection = "commune_settings";

    public IReadOnlyList<StoreCollection> Collections { get; } = [new(Collection, [], ReadWholeAtStart: true)];

    /// <summary>The collection is new: nothing older to re-shape.</summary>
    public void Migrate(ILiteDatabase database, int fromVersion)
    {
    }
}
