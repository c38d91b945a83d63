using System.Buffers;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// What a node does when a broker refuses its own credentials (docs/protocol.md, "Enrolment"): it connects as the public
/// enrolment account (<c>enrol</c>/<c>enrol</c>, client id <c>enrol-{nodeId}</c>), listens on its status topic,
/// publishes its EnrolmentRequest signed by its own key (with the enrolment token's proof when it has one), waits a
/// while for an <c>approved</c> status about its key, and leaves. The broker accepting the node's credentials is what
/// counts; the status only lets the node try them at once instead of at its next retry.
/// </summary>
internal sealed class EnrolmentExchange
{
    /// <summary>The public enrolment account's username and password.</summary>
    public const string AccountName = "enrol";

    private readonly NodeAgentSettings _settings;
    private readonly NodeKeyring _keyring;
    private readonly HardwareProfile _hardware;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _factory = new();

    /// <param name="settings">Node id, zones, software, token, timings.</param>
    /// <param name="keyring">The node's credentials.</param>
    /// <param name="hardware">What the node runs on, as in its birth.</param>
    /// <param name="time">The node's clock.</param>
    /// <param name="logger">The node's log.</param>
    public EnrolmentExchange(NodeAgentSettings settings, NodeKeyring keyring, HardwareProfile hardware, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _keyring = keyring;
        _hardware = hardware;
        _time = time;
        _logger = logger;
    }

    private string NodeId => _settings.NodeId;

    /// <summary>The client id the enrolment account is bound to for this node on the embedded broker.</summary>
    public static string ClientIdFor(string nodeId) => AccountName + "-" + nodeId;

    /// <summary>The request as this node sends it now, unsigned.</summary>
    public EnrolmentRequest BuildRequest(NodeCredentials credentials)
    {
        ArgumentNullException.ThrowIfNull(credentials);
        var publicKey = Convert.ToBase64String(credentials.PublicKey);
        string? tokenId = null;
        string? proof = null;
        if (_settings.EnrolmentToken is { } token && EnrolmentTokenProof.TryParseToken(token, out var id, out var secret))
        {
            tokenId = id;
            proof = EnrolmentTokenProof.Compute(secret, NodeId, publicKey, credentials.PasswordHash);
        }

        return new EnrolmentRequest
        {
            NodeId = NodeId,
            Ts = _time.GetUtcNow(),
            Zones = _settings.Zones,
            Hardware = _hardware,
            Software = _settings.SoftwareVersion,
            PublicKey = publicKey,
            PasswordHash = credentials.PasswordHash,
            TokenId = tokenId,
            TokenProof = proof,
        };
    }

    /// <summary>
    /// One enrolment attempt on <paramref name="broker"/>; true when the Controller said the node's current key is
    /// approved within <see cref="NodeAgentSettings.EnrolmentWait"/>. Never throws for a network failure.
    /// </summary>
    public async Task<bool> RunAsync(BrokerEndpoint broker, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(broker);
        var credentials = _keyring.Current;
        var decided = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        using var client = _factory.CreateMqttClient();
        client.ApplicationMessageReceivedAsync += args =>
        {
            HandleStatus(args.ApplicationMessage.Payload.ToArray(), credentials.Fingerprint, decided);
            return Task.CompletedTask;
        };
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(broker.Host, broker.Port)
            .WithClientId(ClientIdFor(NodeId))
            .WithCredentials(AccountName, AccountName)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession()
            .WithKeepAlivePeriod(_settings.KeepAlive)
            .WithTimeout(_settings.ConnectTimeout)
            .Build();
        try
        {
            using (var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time))
            using (var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token))
            {
                await client.ConnectAsync(options, attempt.Token).ConfigureAwait(false);
                await client.SubscribeAsync(
                    _factory.CreateSubscribeOptionsBuilder()
                        .WithTopicFilter(Topics.ForEnrolmentStatus(NodeId), MqttQualityOfServiceLevel.AtLeastOnce)
                        .Build(),
                    attempt.Token).ConfigureAwait(false);
                var request = BuildRequest(credentials);
                await NodeSession.PublishAsync(
                    client, Topics.ForEnrolmentRequest(NodeId), credentials.Sign(request), MqttQualityOfServiceLevel.AtLeastOnce, attempt.Token)
                    .ConfigureAwait(false);
                if (request.TokenId is { } tokenId)
                {
                    _logger.LogInformation(
                        "Node {NodeId}: asked {Broker} to enrol it with enrolment token {TokenId}, key fingerprint {Fingerprint}",
                        NodeId, broker, tokenId, credentials.Fingerprint);
                }
                else
                {
                    _logger.LogWarning(
                        "Node {NodeId}: not enrolled; waiting for a technician to approve node {NodeId}, key fingerprint {Fingerprint} (asked {Broker})",
                        NodeId, NodeId, credentials.Fingerprint, broker);
                }
            }

            var approved = await decided.Task.WaitAsync(_settings.EnrolmentWait, _time, stop).ConfigureAwait(false);
            if (approved)
            {
                _logger.LogInformation("Node {NodeId}: enrolment approved for key {Fingerprint}", NodeId, credentials.Fingerprint);
            }

            return approved;
        }
        catch (TimeoutException)
        {
            _logger.LogInformation(
                "Node {NodeId}: no approval within {Wait}; asking again after the reconnect backoff (key fingerprint {Fingerprint})",
                NodeId, _settings.EnrolmentWait, credentials.Fingerprint);
            return false;
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return false;
        }
#pragma warning disable CA1031 // Any failure of the enrolment connection means: try again after the backoff.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: cannot ask {Broker} to enrol it: {Error}", NodeId, broker, exception.GetBaseException().Message);
            return false;
        }
        finally
        {
            await LeaveAsync(client).ConfigureAwait(false);
        }
    }

    private void HandleStatus(byte[] payload, string fingerprint, TaskCompletionSource<bool> decided)
    {
        var decoded = WireCodec.Decode<EnrolmentStatus>(payload);
        if (!decoded.Succeeded || decoded.Message!.NodeId != NodeId || decoded.Message.Fingerprint != fingerprint)
        {
            // Not about this key (an answer about an old key, or noise): the broker's verdict is what counts anyway.
            return;
        }

        switch (decoded.Message.State)
        {
            case EnrolmentState.Approved:
                decided.TrySetResult(true);
                break;
            case EnrolmentState.Refused:
                _logger.LogWarning("Node {NodeId}: enrolment of key {Fingerprint} refused; asking again later", NodeId, fingerprint);
                decided.TrySetResult(false);
                break;
            default:
                _logger.LogInformation("Node {NodeId}: enrolment request held for a technician (key {Fingerprint})", NodeId, fingerprint);
                break;
        }
    }

    private async Task LeaveAsync(IMqttClient client)
    {
        if (!client.IsConnected)
        {
            return;
        }

        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        try
        {
            await client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                timeout.Token).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Leaving the enrolment account is best effort; the broker drops it on its own.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogDebug("Node {NodeId}: leaving the enrolment account failed: {Error}", NodeId, exception.GetBaseException().Message);
        }
    }
}
