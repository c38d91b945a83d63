using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Access;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Authentication;

/// <summary>
/// Decides a CONNECT on the embedded broker: the username must be an account of the directory, the password its own,
/// and the client id the one bound to it (docs/protocol.md, "Who may publish and subscribe where"): a node's is its
/// node id, the Controller's is <c>controller</c>, an enrolling node's is <c>enrol-{nodeId}</c>; an observer's is
/// replaced by the broker (<see cref="ObserverClientIds"/>), so several technicians can watch and none can take over
/// a session. Since a client id can only be presented by its own identity, a session is only ever taken over by
/// the identity that owns it.
/// </summary>
internal sealed class BrokerAuthenticator
{
    private readonly IBrokerAccountDirectory _directory;
    private readonly BrokerPasswordCheck _passwords;
    private readonly string _controllerClientId;

    /// <summary>Decides against <paramref name="directory"/>; the Controller's account is bound to <paramref name="controllerClientId"/>.</summary>
    public BrokerAuthenticator(IBrokerAccountDirectory directory, BrokerPasswordCheck passwords, string controllerClientId)
    {
        _directory = directory;
        _passwords = passwords;
        _controllerClientId = controllerClientId;
    }

    /// <summary>Accepts or refuses one CONNECT.</summary>
    public BrokerConnectDecision Decide(string? username, byte[]? password, string? clientId)
    {
        if (string.IsNullOrEmpty(username))
        {
            return BrokerConnectDecision.Refuse(MqttConnectReasonCode.NotAuthorized, BrokerConnectDecision.Anonymous);
        }

        if (_directory.Find(username) is not { } account || !_passwords.Verify(account, password))
        {
            return BrokerConnectDecision.Refuse(MqttConnectReasonCode.BadUserNameOrPassword, BrokerConnectDecision.BadCredentials);
        }

        var bound = account.Kind switch
        {
            BrokerAccountKind.Controller => string.Equals(clientId, _controllerClientId, StringComparison.Ordinal),
            BrokerAccountKind.Node => string.Equals(clientId, account.Username, StringComparison.Ordinal),
            BrokerAccountKind.Enrolment => BrokerAccessRules.EnrollingNodeId(clientId) is not null,
            BrokerAccountKind.Observer => true,
            _ => false,
        };
        return bound
            ? BrokerConnectDecision.Accept(account)
            : BrokerConnectDecision.Refuse(MqttConnectReasonCode.ClientIdentifierNotValid, BrokerConnectDecision.ClientIdNotBound);
    }
}
