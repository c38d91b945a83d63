using System.Reflection;
using MQTTnet.Formatter;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// Gives a client that connects with an empty client id and a clean session (what <c>mosquitto_sub</c> does by
/// default) a unique id of its own, as MQTT 3.1.1 §3.1.3-6 allows a server to. MQTTnet 5 assigns ids only to MQTT 5
/// clients and refuses the rest, which would leave a technician's plain <c>mosquitto_sub</c> unable to watch the wire.
/// Such an observer can subscribe; the publish policy still keeps it off every node's topics.
/// </summary>
internal static class ObserverClientIds
{
    /// <summary>Prefix of assigned ids; never a valid node id, since nodes cannot contain '_'.</summary>
    public const string Prefix = "observer_";

    // MQTTnet exposes the CONNECT packet's client id read-only on the event; the packet itself is the one object
    // the server goes on to use. Pinned MQTTnet version: a test fails if this field ever moves.
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>True when this MQTTnet build lets us assign ids.</summary>
    public static bool Supported => ConnectPacketField?.FieldType == typeof(MqttConnectPacket);

    /// <summary>Assigns an id to an anonymous clean-session MQTT 3.1/3.1.1 client; returns the id, or null when not applicable.</summary>
    public static string? AssignIfAnonymous(ValidatingConnectionEventArgs connection)
    {
        if (!string.IsNullOrEmpty(connection.ClientId)
            || connection.CleanSession != true
            || connection.ProtocolVersion == MqttProtocolVersion.V500
            || !Supported
            || ConnectPacketField!.GetValue(connection) is not MqttConnectPacket packet)
        {
            return null;
        }

        packet.ClientId = Prefix + Guid.NewGuid().ToString("N")[..12];
        return packet.ClientId;
    }
}
