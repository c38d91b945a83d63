using Microsoft.Extensions.DependencyInjection;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>Node accounts put straight into a host's broker directory, as enrolment would once a node is approved.</summary>
internal static class BrokerAccounts
{
    /// <summary>Puts a node account with a fresh password and returns that password.</summary>
    public static string PutNode(this ControllerHost host, string nodeId, params string[] zones)
    {
        var password = BrokerPasswordHash.NewPassword();
        host.Directory().Put(new BrokerAccount(nodeId, BrokerAccountKind.Node, BrokerPasswordHash.Create(password), zones));
        return password;
    }

    public static BrokerAccountDirectory Directory(this ControllerHost host) => host.Services.GetRequiredService<BrokerAccountDirectory>();

    public static string ObserverPassword(this ControllerHost host) => host.Services.GetRequiredService<BrokerSecrets>().ObserverPassword;
}
