using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Messaging;

/// <summary>
/// The node's link to the brokers: connect (rotating over the configured brokers, retrying on the spread schedule of
/// <see cref="ReconnectBackoff"/>) with a Last Will, run each connection as a <see cref="NodeSession"/> whose one
/// publisher takes work lane by lane, move back to the first broker once it has stayed reachable, and say goodbye on a
/// clean stop. It connects with the node's own credentials; a broker that refuses them as unknown has the node ask to
/// be enrolled (<see cref="EnrolmentExchange"/>), and an approved node tries them again at once. What a session publishes beyond ready messages (birth, health, events, clock requests) is the
/// <see cref="ISessionHandler"/>'s; what arrives goes to the <see cref="TopicRouter"/>.
/// </summary>
internal sealed class BrokerFailover
{
    private readonly NodeAgentSettings _settings;
    private readonly TopicRouter _router;
    private readonly ISessionHandler _handler;
    private readonly NodeKeyring _keyring;
    private readonly EnrolmentExchange _enrolment;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly MqttClientFactory _factory = new();
    private readonly Random _random;
    private readonly Lock _randomGate = new();

    private NodeSession? _current;
    private CancellationToken _goodbyeToken;
    private int _bdSeq;
    private int _connections;
    private int _brokerIndex;
    private long _connectionNumber;
    private bool _bdSeqSaveFailed;
    private bool _credentialsRefused;

    /// <param name="settings">Brokers, timings, the data folder (for bdSeq) and the node id.</param>
    /// <param name="bdSeq">The bdSeq of the first session.</param>
    /// <param name="router">Where what arrives goes, and what to subscribe to.</param>
    /// <param name="handler">What each session publishes, and who hears of its birth and end.</param>
    /// <param name="keyring">The node's credentials (its username is its node id).</param>
    /// <param name="enrolment">How the node asks to be enrolled when its credentials are refused.</param>
    /// <param name="time">The node's clock.</param>
    /// <param name="logger">The node's log.</param>
    public BrokerFailover(
        NodeAgentSettings settings, int bdSeq, TopicRouter router, ISessionHandler handler, NodeKeyring keyring, EnrolmentExchange enrolment, TimeProvider time, ILogger logger)
    {
        _settings = settings;
        _bdSeq = bdSeq;
        _router = router;
        _handler = handler;
        _keyring = keyring;
        _enrolment = enrolment;
        _time = time;
        _logger = logger;
#pragma warning disable CA5394 // Reconnect jitter, not security.
        _random = settings.RandomSeed is { } seed ? new Random(seed) : new Random();
#pragma warning restore CA5394
    }

    /// <summary>
    /// Raised after each probe of the first broker (true: it accepted a TCP connection), once the next probe is
    /// already scheduled, so a test driving a fake clock knows when to advance it.
    /// </summary>
    public event Action<bool>? PrimaryProbed;

    /// <summary>The session of the connection that is up, if any.</summary>
    public NodeSession? Current => Volatile.Read(ref _current);

    /// <summary>bdSeq of the current (or latest attempted) session, 0–255.</summary>
    public int BdSeq => Volatile.Read(ref _bdSeq);

    /// <summary>Index in <see cref="NodeAgentSettings.Brokers"/> of the broker last connected to.</summary>
    public int BrokerIndex => Volatile.Read(ref _brokerIndex);

    /// <summary>Successful connections since start.</summary>
    public int Connections => Volatile.Read(ref _connections);

    private string NodeId => _settings.NodeId;

    /// <summary>Sets how long the goodbye on the coming stop may take; called just before the stop is requested.</summary>
    public void PrepareGoodbye(CancellationToken deadline) => _goodbyeToken = deadline;

    /// <summary>Connects and reconnects until <paramref name="stop"/>; then says goodbye on the connection that is up.</summary>
    public async Task RunAsync(CancellationToken stop)
    {
        var brokerIndex = 0;
        var bdSeq = BdSeq;
        var first = true;

        // The retry lattice of ReconnectBackoff: the index of the next retry since the loss (0: none scheduled yet)
        // and when the previous one was due.
        var retry = 0;
        var due = _time.GetUtcNow();
        while (!stop.IsCancellationRequested)
        {
            bdSeq = first ? bdSeq : (bdSeq + 1) % (ReportContext.MaxSeq + 1);
            first = false;
            Volatile.Write(ref _bdSeq, bdSeq);
            SaveBdSeq(bdSeq);
            var end = await ConnectAndRunAsync(brokerIndex, bdSeq, stop).ConfigureAwait(false);
            if (stop.IsCancellationRequested)
            {
                break;
            }

            switch (end)
            {
                case SessionEnd.Failback:
                    // A planned move: straight to the primary; a failure there starts a fresh schedule.
                    brokerIndex = 0;
                    retry = 0;
                    continue;
                case SessionEnd.Reidentify:
                    // New credentials: the same broker at once, where they are refused until enrolled again.
                    retry = 0;
                    continue;
                case SessionEnd.Lost:
                    // The same broker first: the loss may have been the link, not the broker.
                    retry = 0;
                    break;
                default:
                    // Failed, refused or unusable: that broker may be down or misconfigured alone; try the next.
                    brokerIndex = (brokerIndex + 1) % _settings.Brokers.Count;
                    break;
            }

            var delay = NextRetryDelay(ref retry, ref due);
            if (delay > TimeSpan.Zero)
            {
                _logger.LogDebug("Node {NodeId}: next connect attempt, to {Broker}, in {Delay}", NodeId, _settings.Brokers[brokerIndex], delay);
                try
                {
                    await Task.Delay(delay, _time, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        _logger.LogInformation("Node {NodeId}: stopped", NodeId);
    }

    /// <summary>
    /// Advances the retry lattice: the first retry after a loss is a random phase from now, each later one a fixed gap
    /// after the previous one was due; a slot already past (the attempt overran it) is skipped, keeping the phase.
    /// </summary>
    private TimeSpan NextRetryDelay(ref int retry, ref DateTimeOffset due)
    {
        var now = _time.GetUtcNow();
        if (_settings.ReconnectWindow <= TimeSpan.Zero)
        {
            return TimeSpan.Zero;
        }

        if (retry == 0)
        {
            due = now;
        }

        do
        {
            lock (_randomGate)
            {
                due += ReconnectBackoff.Delay(retry, _settings.ReconnectWindow, _settings.ReconnectBackoffCap, _random);
            }

            retry++;
        }
        while (due < now);

        return due - now;
    }

    private void SaveBdSeq(int bdSeq)
    {
        if (_settings.DataDirectory is not { } directory)
        {
            return;
        }

        try
        {
            Directory.CreateDirectory(directory);
            BdSeqFile.Save(directory, bdSeq);
            _bdSeqSaveFailed = false;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            if (!_bdSeqSaveFailed)
            {
                _logger.LogWarning(
                    "Node {NodeId}: cannot store bdSeq in {DataDirectory} ({Error}); after a restart it may repeat one",
                    NodeId, directory, exception.Message);
                _bdSeqSaveFailed = true;
            }
        }
    }

    private async Task<SessionEnd> ConnectAndRunAsync(int brokerIndex, int bdSeq, CancellationToken stop)
    {
        var broker = _settings.Brokers[brokerIndex];
        var client = _factory.CreateMqttClient();
        try
        {
            if (!await TryConnectAsync(client, broker, bdSeq, stop).ConfigureAwait(false))
            {
                // Refused as unknown: ask to be enrolled; once approved, our own credentials again at once, on a new
                // client. Not approved, or refused again: the usual backoff, so a node never spins on a broker.
                if (!_credentialsRefused || !await EnrolAsync(broker, stop).ConfigureAwait(false))
                {
                    return SessionEnd.NotConnected;
                }

                client.Dispose();
                client = _factory.CreateMqttClient();
                if (!await TryConnectAsync(client, broker, bdSeq, stop).ConfigureAwait(false))
                {
                    return SessionEnd.NotConnected;
                }
            }

            Volatile.Write(ref _brokerIndex, brokerIndex);
            Interlocked.Increment(ref _connections);
            return await RunSessionAsync(client, brokerIndex, bdSeq, stop).ConfigureAwait(false);
        }
        finally
        {
            // Disposing a still-open connection drops it without DISCONNECT: the broker then sends the Will,
            // which is right for any session we abandon without a goodbye.
            client.Dispose();
        }
    }

    private async Task<bool> TryConnectAsync(IMqttClient client, BrokerEndpoint broker, int bdSeq, CancellationToken stop)
    {
        var will = new NodeDeath { NodeId = NodeId, BdSeq = bdSeq, Reason = DeathReason.Lost, Ts = _time.GetUtcNow() };
        using var pinnedCa = broker.Tls ? X509CertificateLoader.LoadCertificate(_settings.BrokerCaCertificate!.Value.Span) : null;
        var certificateTime = broker.Tls ? await _handler.CertificateTimeAsync(stop).ConfigureAwait(false) : default;
        var builder = new MqttClientOptionsBuilder();
        UseTransport(builder, broker, pinnedCa, certificateTime);
        builder
            .WithClientId(NodeId)
            .WithCredentials(NodeId, _keyring.Current.Password)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession()
            .WithKeepAlivePeriod(_settings.KeepAlive)
            .WithTimeout(_settings.ConnectTimeout)
            .WithWillTopic(Topics.ForNode(NodeId, NodeMessageKind.Death))
            .WithWillPayload(WireCodec.Encode(will))
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .WithWillRetain(false);
        var options = builder.Build();
        // MQTTnet applies its own Timeout only when the token cannot be cancelled; ours can, so it carries the timeout.
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(stop, timeout.Token);
        _credentialsRefused = false;
        try
        {
            var result = await client.ConnectAsync(options, attempt.Token).ConfigureAwait(false);
            if (result.ResultCode == MqttClientConnectResultCode.Success)
            {
                _logger.LogInformation("Node {NodeId}: connected to {Broker} (bdSeq {BdSeq})", NodeId, broker, bdSeq);
                return true;
            }

            // MQTTnet 5 returns a refusing CONNACK as the result (earlier versions threw).
            LogRefusal(broker, result.ResultCode, result.ReasonString);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // Any connect failure (refused port, DNS, TLS, timeout) means: try the next broker later.
        catch (Exception) when (timeout.IsCancellationRequested)
        {
            // MQTTnet reports a cancelled CONNECT as "connection closed"; say what really happened.
            _logger.LogWarning("Node {NodeId}: cannot connect to {Broker}: no CONNACK within {Timeout}", NodeId, broker, _settings.ConnectTimeout);
        }
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: cannot connect to {Broker}: {Error}", NodeId, broker, exception.GetBaseException().Message);
        }

        return false;
    }

    /// <summary>
    /// A refusal may be one broker's configuration (credentials, ACL, a ban): counted as a failed attempt. Bad
    /// credentials or not authorised (MQTT 3.1.1 return codes 4 and 5) mean this node is not enrolled there (yet).
    /// A node that has not connected since it started and carries an enrolment token expects exactly that, and enrols
    /// next by itself: Information. Without a token a technician must approve it, and a refusal after the node was
    /// let in means its account went: Warning.
    /// </summary>
    private void LogRefusal(BrokerEndpoint broker, MqttClientConnectResultCode code, string? reason)
    {
        _credentialsRefused = code is MqttClientConnectResultCode.BadUserNameOrPassword or MqttClientConnectResultCode.NotAuthorized;
        if (_credentialsRefused && Volatile.Read(ref _connections) == 0 && EnrolmentTokenProof.TryParseToken(_settings.EnrolmentToken, out var tokenId, out _))
        {
            _logger.LogInformation(
                "Node {NodeId}: broker {Broker} refused the connection: {ResultCode} {Reason} (not enrolled yet; asking to enrol with enrolment token {TokenId})",
                NodeId, broker, code, reason, tokenId);
            return;
        }

        _logger.LogWarning(
            "Node {NodeId}: broker {Broker} refused the connection: {ResultCode} {Reason}{Hint}",
            NodeId, broker, code, reason, _credentialsRefused ? " (not enrolled there, or its credentials were retired)" : string.Empty);
    }

    /// <summary>The enrolment exchange over the same transport as the node's own connection (TLS when the broker's entry says so).</summary>
    private async Task<bool> EnrolAsync(BrokerEndpoint broker, CancellationToken stop)
    {
        using var pinnedCa = broker.Tls ? X509CertificateLoader.LoadCertificate(_settings.BrokerCaCertificate!.Value.Span) : null;
        var certificateTime = broker.Tls ? await _handler.CertificateTimeAsync(stop).ConfigureAwait(false) : default;
        return await _enrolment.RunAsync(broker, builder => UseTransport(builder, broker, pinnedCa, certificateTime), stop).ConfigureAwait(false);
    }

    /// <summary>TCP to the broker, and TLS pinned to the node's CA when the broker's entry asks for it.</summary>
    private void UseTransport(MqttClientOptionsBuilder builder, BrokerEndpoint broker, X509Certificate2? pinnedCa, Protocol.Security.TrustedTime certificateTime)
    {
        builder.WithTcpServer(broker.Host, broker.Port);
        if (pinnedCa is not null)
        {
            builder.WithTlsOptions(tls => tls
                .UseTls()
                .WithTargetHost(broker.Host)
                .WithSslProtocols(SslProtocols.Tls12 | SslProtocols.Tls13)
                .WithCertificateValidationHandler(presented => AcceptsCertificate(presented, broker, pinnedCa, certificateTime)));
        }
    }

    /// <summary>The TLS handshake's question: is this the Controller's broker? A refusal says which check failed.</summary>
    private bool AcceptsCertificate(MqttClientCertificateValidationEventArgs presented, BrokerEndpoint broker, X509Certificate2 pinnedCa, Protocol.Security.TrustedTime time)
    {
        if (presented.Certificate is null || (presented.SslPolicyErrors & SslPolicyErrors.RemoteCertificateNotAvailable) != 0)
        {
            _logger.LogWarning("Node {NodeId}: broker {Broker} presented no TLS certificate; refused", NodeId, broker);
            return false;
        }

        using var owned = presented.Certificate as X509Certificate2 is null ? X509CertificateLoader.LoadCertificate(presented.Certificate.GetRawCertData()) : null;
        var certificate = owned ?? (X509Certificate2)presented.Certificate;
        var problems = BrokerCertificateCheck.FindProblems(certificate, presented.Chain, broker.Host, pinnedCa, time);
        if (problems is null)
        {
            _logger.LogDebug(
                "Node {NodeId}: broker {Broker} certificate '{Subject}' accepted (dates {Dates})",
                NodeId, broker, certificate.Subject, time.Trusted ? "checked" : "not checked: the node's clock is not trusted yet");
            return true;
        }

        _logger.LogWarning("Node {NodeId}: broker {Broker} TLS certificate '{Subject}' refused: {Problems}", NodeId, broker, certificate.Subject, problems);
        return false;
    }

    /// <summary>Runs one connection until it is lost, moved away from, or the node stops.</summary>
    private async Task<SessionEnd> RunSessionAsync(IMqttClient client, int brokerIndex, int bdSeq, CancellationToken stop)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(stop);
        var session = new NodeSession(client, brokerIndex, bdSeq, Interlocked.Increment(ref _connectionNumber));
        client.ApplicationMessageReceivedAsync += args =>
        {
            var message = args.ApplicationMessage;
            _router.Dispatch(message.Topic, message.Payload, message.Retain);
            return Task.CompletedTask;
        };
        client.DisconnectedAsync += _ =>
        {
            CancelQuietly(lost);
            return Task.CompletedTask;
        };
        if (!client.IsConnected)
        {
            return SessionEnd.Unusable;
        }

        var birthPublished = false;
        var failback = false;
        var reidentify = false;

        // Started before the birth is queued, so its first probe is already scheduled when the birth is signalled.
        var probing = brokerIndex == 0 ? Task.CompletedTask : ProbePrimaryAsync(session, lost.Token);
        session.Post(SessionWorkKind.Birth);
        using var heartbeat = _time.CreateTimer(
            _ => session.Post(SessionWorkKind.Health), null, _handler.Heartbeat, _handler.Heartbeat);
        session.HeartbeatTimer = heartbeat;
        Volatile.Write(ref _current, session);
        var clockSync = Task.CompletedTask;
        SessionWork? inFlight = null;
        try
        {
            await client.SubscribeAsync(_router.BuildSubscriptions(_factory), lost.Token).ConfigureAwait(false);
            clockSync = _handler.RunBesideAsync(session, lost.Token);

            // The session's one publisher: everything it sends is taken here, most urgent lane first.
            await foreach (var work in session.Outbound.ReadAllAsync(lost.Token).ConfigureAwait(false))
            {
                inFlight = work;
                switch (work.Kind)
                {
                    case SessionWorkKind.Publish:
                        await NodeSession.PublishAsync(session.Client, work.Message!, lost.Token).ConfigureAwait(false);
                        work.Sent?.TrySetResult(true);
                        break;
                    case SessionWorkKind.Birth:
                        await _handler.HandleAsync(session, work.Kind, lost.Token).ConfigureAwait(false);
                        birthPublished = true;
                        _handler.BirthPublished();
                        break;
                    case SessionWorkKind.Failback:
                        failback = true;
                        break;
                    case SessionWorkKind.Reidentify:
                        reidentify = true;
                        break;
                    default:
                        await _handler.HandleAsync(session, work.Kind, lost.Token).ConfigureAwait(false);
                        break;
                }

                inFlight = null;
                if (failback || reidentify)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (lost.IsCancellationRequested)
        {
        }
#pragma warning disable CA1031 // A failed publish or subscribe ends this connection; the loop reconnects.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: session error, reconnecting: {Error}", NodeId, exception.GetBaseException().Message);
        }
        finally
        {
            Volatile.Write(ref _current, null);

            // What this connection will not send is reported unsent (an acknowledgement is answered again on a resend).
            inFlight?.Sent?.TrySetResult(false);
            foreach (var left in session.Outbound.Complete())
            {
                left.Sent?.TrySetResult(false);
            }

            _handler.SessionEnded();
            CancelQuietly(lost);
            await probing.ConfigureAwait(false);
            await clockSync.ConfigureAwait(false);
        }

        if (stop.IsCancellationRequested && client.IsConnected)
        {
            await SayGoodbyeAsync(client, bdSeq).ConfigureAwait(false);
            return SessionEnd.Stopped;
        }

        if ((failback || reidentify) && client.IsConnected && await MoveAwayAsync(client, brokerIndex, bdSeq, reidentify ? "come back with new credentials" : "move back to " + _settings.Brokers[0]).ConfigureAwait(false))
        {
            return reidentify ? SessionEnd.Reidentify : SessionEnd.Failback;
        }

        _logger.LogWarning("Node {NodeId}: connection to {Broker} lost (bdSeq {BdSeq})", NodeId, _settings.Brokers[brokerIndex], bdSeq);
        return birthPublished ? SessionEnd.Lost : SessionEnd.Unusable;
    }

    /// <summary>
    /// Leaves a broker on purpose (fail-back, or new credentials after "rotate-identity"): a normal DISCONNECT, so the broker discards the Will, and no death of our
    /// own: the node is not going offline, and the controller should see only the next session's birth.
    /// </summary>
    private async Task<bool> MoveAwayAsync(IMqttClient client, int brokerIndex, int bdSeq, string purpose)
    {
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        try
        {
            await client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                timeout.Token).ConfigureAwait(false);
            _logger.LogInformation(
                "Node {NodeId}: left {Broker} (bdSeq {BdSeq}) to {Purpose}",
                NodeId, _settings.Brokers[brokerIndex], bdSeq, purpose);
            return true;
        }
#pragma warning disable CA1031 // A failed DISCONNECT means the link broke meanwhile: an ordinary loss.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: leaving {Broker} failed: {Error}", NodeId, _settings.Brokers[brokerIndex], exception.GetBaseException().Message);
            return false;
        }
    }

    /// <summary>
    /// While connected to a backup broker: probes the first broker with a bare TCP connect (an MQTT session with our
    /// client id would take over our own session) every <see cref="NodeAgentSettings.FailbackProbeInterval"/> ±20 %,
    /// and asks the session to move back after <see cref="NodeAgentSettings.FailbackAfterHealthyProbes"/> successes in
    /// a row: one failure starts the count again, so a flapping primary never draws the node back.
    /// </summary>
    private async Task ProbePrimaryAsync(NodeSession session, CancellationToken token)
    {
        var primary = _settings.Brokers[0];
        var healthy = 0;
        try
        {
            var wait = Task.Delay(NextProbeDelay(), _time, token);
            while (true)
            {
                await wait.ConfigureAwait(false);
                var reachable = await IsReachableAsync(primary, token).ConfigureAwait(false);
                healthy = reachable ? healthy + 1 : 0;
                _logger.LogDebug(
                    "Node {NodeId}: primary broker {Broker} {Outcome} ({Healthy}/{Needed} in a row)",
                    NodeId, primary, reachable ? "reachable" : "unreachable", healthy, _settings.FailbackAfterHealthyProbes);
                if (healthy >= _settings.FailbackAfterHealthyProbes)
                {
                    _logger.LogInformation("Node {NodeId}: primary broker {Broker} healthy for {Count} probes; moving back", NodeId, primary, healthy);
                    session.Post(SessionWorkKind.Failback);
                    PrimaryProbed?.Invoke(reachable);
                    return;
                }

                wait = Task.Delay(NextProbeDelay(), _time, token);
                PrimaryProbed?.Invoke(reachable);
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // The session ended.
        }
    }

    private TimeSpan NextProbeDelay()
    {
        lock (_randomGate)
        {
#pragma warning disable CA5394 // Spreading probes, not security.
            return _settings.FailbackProbeInterval * (0.8 + (0.4 * _random.NextDouble()));
#pragma warning restore CA5394
        }
    }

    private async Task<bool> IsReachableAsync(BrokerEndpoint broker, CancellationToken token)
    {
        using var timeout = new CancellationTokenSource(_settings.ConnectTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(token, timeout.Token);
        using var tcp = new TcpClient();
        try
        {
            await tcp.ConnectAsync(broker.Host, broker.Port, linked.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (!token.IsCancellationRequested)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private async Task SayGoodbyeAsync(IMqttClient client, int bdSeq)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(_goodbyeToken);
        timeout.CancelAfter(_settings.ConnectTimeout);
        try
        {
            var death = new NodeDeath { NodeId = NodeId, BdSeq = bdSeq, Reason = DeathReason.Shutdown, Ts = _time.GetUtcNow() };
            await NodeSession.PublishAsync(client, Topics.ForNode(NodeId, NodeMessageKind.Death), WireCodec.Encode(death), MqttQualityOfServiceLevel.AtLeastOnce, timeout.Token)
                .ConfigureAwait(false);
            await client.DisconnectAsync(
                new MqttClientDisconnectOptionsBuilder().WithReason(MqttClientDisconnectOptionsReason.NormalDisconnection).Build(),
                timeout.Token).ConfigureAwait(false);
            _logger.LogInformation("Node {NodeId}: said goodbye (bdSeq {BdSeq}) and disconnected", NodeId, bdSeq);
        }
#pragma warning disable CA1031 // The goodbye is best effort; without it the broker's Will reports the node lost.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            _logger.LogWarning("Node {NodeId}: goodbye failed, the broker will publish the Will: {Error}", NodeId, exception.GetBaseException().Message);
        }
    }

    private static void CancelQuietly(CancellationTokenSource source)
    {
        try
        {
            source.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The session already ended.
        }
    }
}
