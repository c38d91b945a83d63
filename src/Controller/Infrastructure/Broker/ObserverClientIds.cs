using System.Reflection;
using MQTTnet.Packets;
using MQTTnet.Server;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker;

/// <summary>
/// Gives every connection of the observer account a client id of its own, whatever it presented (a plain
/// <c>mosquitto_sub</c> presents none; MQTT 3.1.1 §3.1.3-6 lets a server assign one): several technicians can watch at
/// once, and an observer can never take over anybody's session by presenting its client id. The session is made a
/// clean one, so an observer leaves nothing behind when it goes.
/// </summary>
internal static class ObserverClientIds
{
    /// <summary>Prefix of assigned ids; never a valid node id, since node ids cannot contain '_'.</summary>
    public const string Prefix = "observer_";

    // MQTTnet exposes the CONNECT packet's client id read-only on the event; the packet itself is the one object
    // the server goes on to use. Pinned MQTTnet version: a test fails if this field ever moves.
    private static readonly FieldInfo? ConnectPacketField =
        typeof(ValidatingConnectionEventArgs).GetField("_connectPacket", BindingFlags.Instance | BindingFlags.NonPublic);

    /// <summary>True when this MQTTnet build lets us assign ids.</summary>
    public static bool Supported => ConnectPacketField?.FieldType == typeof(MqttConnectPacket);

    /// <summary>Replaces the connection's client id with a fresh <c>observer_{12 hex}</c>; returns it, or null when this build cannot.</summary>
    public static string? Assign(ValidatingConnectionEventArgs connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (!Supported || ConnectPacketField!.GetValue(connection) is not MqttConnectPacket packet)
        {
            return null;
        }

        packet.ClientId = Prefix + Guid.NewGuid().ToString("N")[..12];
        packet.CleanSession = true;
        return packet.ClientId;
    }

    /// <summary>
    /// Gives a refused connection that presented no client id a placeholder, so the client hears the real reason (not
    /// authorised, bad credentials): MQTTnet answers "identifier rejected" to any empty id after our check has run.
    /// </summary>
    public static void KeepRefusalReason(ValidatingConnectionEventArgs connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (string.IsNullOrEmpty(connection.ClientId) && Supported && ConnectPacketField!.GetValue(connection) is MqttConnectPacket packet)
        {
            packet.ClientId = "refused";
        }
    }
}
