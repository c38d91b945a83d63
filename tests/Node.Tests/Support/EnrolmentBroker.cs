using System.Buffers;
using System.Collections.Concurrent;
using System.Threading.Channels;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Support;

/// <summary>
/// A real MQTTnet broker that authenticates as docs/protocol.md says, standing in for the Controller's side of
/// enrolment: the public <c>enrol</c> account (client id <c>enrol-{nodeId}</c>), a node's own username only once it is
/// approved and only with the password whose hash its request carried (<see cref="BrokerPasswordHash.Verify"/>), and
/// the test's own recorder (client id <c>recorder-…</c>). Every enrolment request is checked (signed by the key it
/// carries, topic id = node id) and kept; with a token secret, a request carrying its valid proof is approved at once.
/// </summary>
internal sealed class EnrolmentBroker : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, string> _approved = new(StringComparer.Ordinal);
    private readonly Channel<EnrolmentRequest> _requests = Channel.CreateUnbounded<EnrolmentRequest>();
    private readonly ConcurrentQueue<string> _refusedLogins = new();
    private readonly ConcurrentQueue<string> _nodeLogins = new();
    private (string Id, byte[] Secret)? _token;

    private EnrolmentBroker()
    {
    }

    public TestBroker Broker { get; private set; } = null!;

    public int Port => Broker.Port;

    /// <summary>Usernames refused with bad credentials, in order.</summary>
    public IReadOnlyCollection<string> RefusedLogins => _refusedLogins;

    /// <summary>Node usernames let in with their own credentials, in order.</summary>
    public IReadOnlyCollection<string> NodeLogins => _nodeLogins;

    /// <summary>Requests that were not genuine (bad signature, topic and node id apart, invalid).</summary>
    public int ForgedRequests { get; private set; }

    public static async Task<EnrolmentBroker> StartAsync(string? token = null)
    {
        var broker = new EnrolmentBroker();
        if (token is not null)
        {
            Assert.True(EnrolmentTokenProof.TryParseToken(token, out var id, out var secret));
            broker._token = (id, secret);
        }

        broker.Broker = await TestBroker.StartAsync(server =>
        {
            server.ValidatingConnectionAsync += broker.ValidateAsync;
            server.InterceptingPublishAsync += broker.InterceptAsync;
        });
        return broker;
    }

    /// <summary>The next enrolment request a node publishes.</summary>
    public async Task<EnrolmentRequest> NextRequestAsync(TimeSpan? timeout = null) =>
        await _requests.Reader.ReadAsync().AsTask().WaitAsync(timeout ?? MessageRecorder.DefaultTimeout);

    /// <summary>What a technician's approval does: the node's account exists, and a waiting node hears of it.</summary>
    public async Task ApproveAsync(EnrolmentRequest request)
    {
        _approved[request.NodeId] = request.PasswordHash;
        var fingerprint = KeyFingerprint.Of(request.PublicKeyBytes());
        await Broker.InjectAsync(
            Topics.ForEnrolmentStatus(request.NodeId),
            WireCodec.Encode(new EnrolmentStatus { NodeId = request.NodeId, State = EnrolmentState.Approved, Fingerprint = fingerprint }));
    }

    /// <summary>Retires a node's credentials (as after a rotation the Controller approved).</summary>
    public void Retire(string nodeId) => _approved.TryRemove(nodeId, out _);

    public ValueTask DisposeAsync() => Broker.DisposeAsync();

    private Task ValidateAsync(ValidatingConnectionEventArgs args)
    {
        var ok = args.ClientId.StartsWith("recorder-", StringComparison.Ordinal)
            || (args.UserName == "enrol" && args.Password == "enrol" && args.ClientId.StartsWith("enrol-", StringComparison.Ordinal))
            || (args.UserName == args.ClientId && _approved.TryGetValue(args.UserName ?? string.Empty, out var hash) && BrokerPasswordHash.Verify(args.Password, hash));
        if (!ok)
        {
            _refusedLogins.Enqueue(args.UserName ?? "(anonymous)");
            args.ReasonCode = MqttConnectReasonCode.BadUserNameOrPassword;
        }
        else if (args.UserName is { } user && user != "enrol" && !args.ClientId.StartsWith("recorder-", StringComparison.Ordinal))
        {
            _nodeLogins.Enqueue(user);
        }

        return Task.CompletedTask;
    }

    private Task InterceptAsync(InterceptingPublishEventArgs args)
    {
        if (!Topics.TryParseEnrolmentRequest(args.ApplicationMessage.Topic, out var topicNodeId))
        {
            return Task.CompletedTask;
        }

        var parsed = SignedPayloadCodec.Parse<EnrolmentRequest>(args.ApplicationMessage.Payload.ToArray());
        if (!parsed.Succeeded || parsed.Message!.Message.NodeId != topicNodeId || parsed.Message.Message.FindProblem() is not null)
        {
            ForgedRequests++;
            return Task.CompletedTask;
        }

        var request = parsed.Message.Message;
        using var carried = EcdsaP256.ImportPublicKey(request.PublicKeyBytes());
        if (carried is null || !EcdsaP256.Verify(carried, parsed.Message.Payload.SignedBytes.Span, parsed.Message.Payload.Signature))
        {
            ForgedRequests++;
            return Task.CompletedTask;
        }

        _requests.Writer.TryWrite(request);
        if (_token is { } token && request.TokenId == token.Id && EnrolmentTokenProof.Verify(token.Secret, request, request.TokenProof))
        {
            // Not on the broker's publish path: the status is injected once this publish is through.
            _ = Task.Run(() => ApproveAsync(request));
        }

        return Task.CompletedTask;
    }
}
