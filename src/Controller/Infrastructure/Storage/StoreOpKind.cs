namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// What a <see cref="StoreOp"/> does. Every kind is generic (a collection and data, no feature's code) and idempotent,
/// so replaying the journal twice is harmless and replay needs nothing a feature registers beyond its
/// <see cref="StoreCollection"/> declarations. The numbers are the journal's format: never reuse or renumber one.
/// </summary>
internal enum StoreOpKind
{
    /// <summary>Insert or replace the document with the op's <c>_id</c>.</summary>
    Upsert = 1,

    /// <summary>
    /// Insert the document unless one with the same value of the collection's <see cref="StoreNumbering.UniqueField"/>
    /// is stored; the writer numbers it. Journaled as the <see cref="Upsert"/> of the numbered document, so it never
    /// appears in the journal itself (it was <c>InsertEventIfNew</c>, the same number, before features had their own
    /// repositories).
    /// </summary>
    InsertNumberedIfNew = 2,

    /// <summary>Delete the collection's documents whose <c>at</c> is before the op's value.</summary>
    DeleteBefore = 3,

    /// <summary>Delete the document with the op's <c>_id</c> (a retired node, a decided enrolment request); nothing if absent.</summary>
    Delete = 4,
}
