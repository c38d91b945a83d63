namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>Where the MQTT broker runs.</summary>
public enum BrokerMode
{
    /// <summary>An MQTTnet broker inside the controller process (one command starts everything).</summary>
    Embedded,

    /// <summary>A broker the controller does not own (Mosquitto, a cluster); only the client runs here.</summary>
    External,
}
