using LiteDB;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// A collection whose documents the writer numbers in storing order (<see cref="StoreOpKind.InsertNumberedIfNew"/>):
/// a repeated <paramref name="UniqueField"/> value is answered "already stored", a new one gets the next number of the
/// counter <paramref name="CounterKey"/> (a <c>meta</c> document written in the same batch, which replay never
/// lowers), in <paramref name="NumberField"/> and in the <c>_id</c> that <paramref name="IdOf"/> builds.
/// </summary>
/// <param name="CounterKey">The <c>meta</c> document holding the last number handed out; unique in the store.</param>
/// <param name="UniqueField">The field that makes a write a repeat; it must also be a unique <see cref="StoreIndex"/>.</param>
/// <param name="NumberField">The field the number is written to.</param>
/// <param name="IdOf">The <c>_id</c> of a document given its number. Runs in the writer only, never in replay.</param>
internal sealed record StoreNumbering(string CounterKey, string UniqueField, string NumberField, Func<BsonDocument, long, BsonValue> IdOf);
