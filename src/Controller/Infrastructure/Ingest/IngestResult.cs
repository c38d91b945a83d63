using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Infrastructure.Ingest;

/// <summary>What the ingest pipeline did with one received message.</summary>
/// <param name="Topic">Topic it arrived on.</param>
/// <param name="NodeId">Node id from the topic, when the topic parsed.</param>
/// <param name="Kind">Message kind from the topic, when the topic parsed.</param>
/// <param name="RefusedReason">Null when accepted, else the metrics label of the refusal.</param>
/// <param name="Detail">Why, for the log.</param>
internal sealed record IngestResult(string Topic, string? NodeId, NodeMessageKind? Kind, string? RefusedReason, string? Detail)
{
    public bool Accepted => RefusedReason is null;
}
