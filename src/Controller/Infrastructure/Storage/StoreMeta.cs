namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>
/// The engine's own collection, <c>meta</c>: small documents <c>{ _id, value }</c>. The engine keeps the schema
/// version and the numbering counters there; a feature may keep a mark of its own (the fleet's "aggregated until")
/// under a key no other feature uses.
/// </summary>
internal static class StoreMeta
{
    public const string Collection = "meta";

    /// <summary>The meta document holding the schema version (<c>version</c>, not <c>value</c>: the first layout).</summary>
    public const string SchemaKey = "schema";
}
