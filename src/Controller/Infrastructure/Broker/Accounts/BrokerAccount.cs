namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>
/// One identity the broker accepts: its username (for a node, the node id — also its MQTT client id), what it may do,
/// the stored hash of its password (Mosquitto's <c>$7$</c> form, <see cref="Protocol.Security.BrokerPasswordHash"/>)
/// and, for a node, the zones a technician approved (the ACL's zones, not those the node declares).
/// </summary>
/// <param name="Username">MQTT username.</param>
/// <param name="Kind">What it may do.</param>
/// <param name="PasswordHash">Stored password hash.</param>
/// <param name="Zones">Approved zones (nodes only; empty otherwise).</param>
public sealed record BrokerAccount(string Username, BrokerAccountKind Kind, string PasswordHash, IReadOnlyList<string> Zones);
