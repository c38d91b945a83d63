namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>A publish the embedded broker refused to route.</summary>
/// <param name="ClientId">The publishing client.</param>
/// <param name="Topic">The topic it published on.</param>
/// <param name="Reason">
/// Metrics label: outside-tree, publish-not-permitted, retained-node-topic or retained (<see cref="Access.BrokerAccessRules"/>);
/// audio-qos or audio-too-large (<see cref="Access.LiveAudioPublishRules"/>).
/// </param>
internal sealed record BrokerRefusal(string ClientId, string Topic, string Reason);
