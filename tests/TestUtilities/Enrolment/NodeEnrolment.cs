using System.Buffers;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;

namespace SmartLoudspeaker.TestUtilities.Enrolment;

/// <summary>
/// Enrols a node id with a running Controller the real way: as the public enrolment account (username and password
/// <c>enrol</c>, client id <c>enrol-{nodeId}</c>) it publishes a genuine signed <see cref="EnrolmentRequest"/> and waits
/// for the Controller's status about its key. Works with an in-process host and with a Controller process alike.
/// </summary>
public static class NodeEnrolment
{
    /// <summary>The public enrolment account's username and password.</summary>
    public const string EnrolAccount = "enrol";

    /// <summary>
    /// Publishes a signed request for <paramref name="credentials"/> (with <paramref name="token"/>'s proof when given)
    /// and returns the status the Controller answers about this key: <see cref="EnrolmentState.Approved"/> for a valid
    /// token, <see cref="EnrolmentState.Pending"/> while a technician must decide.
    /// </summary>
    public static async Task<EnrolmentStatus> RequestAsync(
        string host, int port, NodeCredentials credentials, IReadOnlyList<string> zones, string? token, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        return await RequestRawAsync(host, port, credentials, Topics.ForEnrolmentRequest(credentials.NodeId), credentials.Sign(credentials.Request(zones, token)), timeout)
            ?? throw new TimeoutException($"no enrolment status for node {credentials.NodeId} within {timeout}");
    }

    /// <summary>
    /// Enrols <paramref name="credentials"/> with <paramref name="token"/> (a bootstrap token configured on the
    /// Controller) and fails unless it is approved; afterwards the node connects with
    /// <see cref="NodeCredentials.Username"/> and <see cref="NodeCredentials.Password"/>.
    /// </summary>
    public static async Task EnrolWithTokenAsync(string host, int port, NodeCredentials credentials, string token, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var status = await RequestAsync(host, port, credentials, ["thon-1"], token, timeout);
        if (status.State != EnrolmentState.Approved)
        {
            throw new InvalidOperationException($"node {credentials.NodeId} was not approved: {status.State}");
        }
    }

    /// <summary>
    /// Publishes <paramref name="payload"/> on <paramref name="topic"/> as the enrolment account of
    /// <paramref name="credentials"/>' node and returns the first status about its key, or null after
    /// <paramref name="timeout"/> (what a refused, forged or malformed request gets).
    /// </summary>
    public static async Task<EnrolmentStatus?> RequestRawAsync(
        string host, int port, NodeCredentials credentials, string topic, byte[] payload, TimeSpan timeout, bool retain = false)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        using var client = new MqttClientFactory().CreateMqttClient();
        var answered = new TaskCompletionSource<EnrolmentStatus>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.ApplicationMessageReceivedAsync += args =>
        {
            var status = WireCodec.Decode<EnrolmentStatus>(args.ApplicationMessage.Payload.ToArray());
            if (status is { Succeeded: true } && status.Message!.Fingerprint == credentials.Fingerprint)
            {
                answered.TrySetResult(status.Message);
            }

            return Task.CompletedTask;
        };
        var connected = await client.ConnectAsync(new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId("enrol-" + credentials.NodeId)
            .WithCredentials(EnrolAccount, EnrolAccount)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithTimeout(timeout)
            .Build());
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the enrolment account: {connected.ResultCode}");
        }

        await client.SubscribeAsync(Topics.ForEnrolmentStatus(credentials.NodeId), MqttQualityOfServiceLevel.AtLeastOnce);
        await client.PublishAsync(new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithRetainFlag(retain)
            .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build());
        try
        {
            return await answered.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            await client.DisconnectAsync();
        }
    }
}
