using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Authentication;

/// <summary>What the broker answers a CONNECT: the account it authenticated as, or why it is refused.</summary>
/// <param name="Account">The account, when accepted.</param>
/// <param name="ReasonCode">The CONNACK's reason (an MQTT 3.1.1 client gets the matching return code).</param>
/// <param name="Refusal">Metrics label of a refusal: anonymous, bad-credentials or client-id-not-bound.</param>
internal sealed record BrokerConnectDecision(BrokerAccount? Account, MqttConnectReasonCode ReasonCode, string? Refusal)
{
    /// <summary>Metrics label: no username.</summary>
    public const string Anonymous = "anonymous";

    /// <summary>Metrics label: unknown username or wrong password.</summary>
    public const string BadCredentials = "bad-credentials";

    /// <summary>Metrics label: a client id that is not the one bound to the username.</summary>
    public const string ClientIdNotBound = "client-id-not-bound";

    /// <summary>Accepted as <paramref name="account"/>.</summary>
    public static BrokerConnectDecision Accept(BrokerAccount account) => new(account, MqttConnectReasonCode.Success, null);

    /// <summary>Refused with <paramref name="reasonCode"/>, counted as <paramref name="refusal"/>.</summary>
    public static BrokerConnectDecision Refuse(MqttConnectReasonCode reasonCode, string refusal) => new(null, reasonCode, refusal);
}
