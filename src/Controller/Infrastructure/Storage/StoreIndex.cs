namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>An index a feature's collection needs, on the top-level field <paramref name="Field"/> (named after it).</summary>
/// <param name="Field">The document field, e.g. <c>at</c>; the index is <c>$.{Field}</c>.</param>
/// <param name="Unique">
/// No two documents may hold the same value. Replay relies on it too: an upsert that would give a second document an
/// already stored value is skipped, as the write that numbered it would have been (<see cref="StoreNumbering"/>).
/// </param>
internal sealed record StoreIndex(string Field, bool Unique = false);
