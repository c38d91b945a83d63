using Microsoft.Extensions.DependencyInjection;
using MQTTnet;
using MQTTnet.Formatter;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// Node accounts put straight into a host's broker directory, as enrolment would once a node is approved, and
/// clients connected with them.
/// </summary>
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

    /// <summary>
    /// A connected MQTT 3.1.1 client as <paramref name="clientId"/>: an id starting with <c>obs</c> logs in as the
    /// observer account, any other as a node account of that name put for it in <c>thon-1</c> (the broker admits
    /// only accounts). The caller disposes it.
    /// </summary>
    public static async Task<IMqttClient> ConnectAsync(this ControllerHost host, string clientId)
    {
        ArgumentNullException.ThrowIfNull(host);
        ArgumentNullException.ThrowIfNull(clientId);
        var observer = clientId.StartsWith("obs", StringComparison.Ordinal);
        var client = new MqttClientFactory().CreateMqttClient();
        try
        {
            using var timeout = new CancellationTokenSource(ControllerHost.Timeout);
            var result = await client.ConnectAsync(
                new MqttClientOptionsBuilder()
                    .WithTcpServer("127.0.0.1", host.MqttPort)
                    .WithClientId(clientId)
                    .WithCredentials(observer ? "observer" : clientId, observer ? host.ObserverPassword() : host.PutNode(clientId, "thon-1"))
                    .WithProtocolVersion(MqttProtocolVersion.V311)
                    .WithTimeout(ControllerHost.Timeout)
                    .Build(),
                timeout.Token);
            Assert.Equal(MqttClientConnectResultCode.Success, result.ResultCode);
            return client;
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }
}
