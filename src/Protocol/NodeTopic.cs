namespace SmartLoudspeaker.Protocol;

/// <summary>A topic under <c>sl/v1/node/</c>, parsed.</summary>
/// <param name="NodeId">The node the topic belongs to.</param>
/// <param name="Kind">What the topic carries.</param>
public readonly record struct NodeTopic(string NodeId, NodeMessageKind Kind);
