namespace SmartLoudspeaker.Controller.Store;

/// <summary>What a <see cref="StoreOp"/> does. Every kind is idempotent, so replaying the journal twice is harmless.</summary>
internal enum StoreOpKind
{
    /// <summary>Insert or replace the document with the op's <c>_id</c>.</summary>
    Upsert = 1,

    /// <summary>Insert a node event unless one with the same key is stored; the writer numbers it.</summary>
    InsertEventIfNew = 2,

    /// <summary>Delete the collection's documents whose <c>at</c> is before the op's value.</summary>
    DeleteBefore = 3,
}
