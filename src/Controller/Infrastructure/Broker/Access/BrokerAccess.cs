namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Access;

/// <summary>What an access entry grants: publishing on a topic, or subscribing to (and so receiving) it.</summary>
public enum BrokerAccess
{
    /// <summary>May publish on topics the pattern matches (Mosquitto's <c>write</c>).</summary>
    Publish,

    /// <summary>May subscribe to filters the pattern covers and receive what they match (Mosquitto's <c>read</c>).</summary>
    Subscribe,
}
