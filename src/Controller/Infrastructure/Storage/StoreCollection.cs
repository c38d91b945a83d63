namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>One collection a feature owns, as it registers it with the engine (<see cref="IStoreSchema"/>).</summary>
/// <param name="Name">The LiteDB collection name: the on-disk format, never renamed without a migration.</param>
/// <param name="Indexes">Indexes ensured at every open.</param>
/// <param name="ReadWholeAtStart">
/// Read through at opening, so damage in what the feature loads at start shows as damage then (rebuild or move
/// aside), not as a failure in the feature later. For small collections read whole at start (the registry).
/// </param>
/// <param name="Numbering">Set when the writer numbers the collection's documents.</param>
internal sealed record StoreCollection(string Name, IReadOnlyList<StoreIndex> Indexes, bool ReadWholeAtStart = false, StoreNumbering? Numbering = null);
