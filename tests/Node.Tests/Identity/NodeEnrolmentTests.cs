using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Identity;

/// <summary>
/// Enrolment against a real broker that authenticates: a node not yet enrolled is refused with its own credentials,
/// asks on the enrolment account with a request signed by its own key, and is let in with its own password — the one
/// whose hash its request carried — once approved by a technician or at once with a token; a restart keeps its key.
/// </summary>
public sealed class NodeEnrolmentTests : IAsyncLifetime
{
    private const string NodeId = "thon-3-nha-van-hoa";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private readonly ListLogger<NodeAgent> _logger = new();
    private readonly List<NodeAgent> _agents = [];
    private readonly string _data = Directory.CreateTempSubdirectory("sl-node-enrol-").FullName;
    private readonly string _token = EnrolmentTokenProof.NewToken(out _);
    private EnrolmentBroker _broker = null!;
    private MessageRecorder _recorder = null!;

    public async Task InitializeAsync()
    {
        _broker = await EnrolmentBroker.StartAsync(_token);
        _recorder = await MessageRecorder.StartAsync(_broker.Broker);
    }

    public async Task DisposeAsync()
    {
        foreach (var agent in _agents)
        {
            await agent.DisposeAsync();
        }

        await _recorder.DisposeAsync();
        await _broker.DisposeAsync();
        Directory.Delete(_data, recursive: true);
        Assert.Empty(_logger.Errors);
    }

    [Fact]
    public async Task A_node_not_enrolled_asks_with_a_request_signed_by_its_key_and_connects_as_itself_once_a_technician_approves()
    {
        var agent = Start(Settings());

        var request = await _broker.NextRequestAsync(Timeout);
        Assert.Equal(NodeId, request.NodeId);
        Assert.Equal(["thon-3"], request.Zones);
        Assert.Equal(agent.Hardware, request.Hardware);
        Assert.Equal(agent.KeyFingerprint, KeyFingerprint.Of(request.PublicKeyBytes()));
        Assert.Null(request.TokenId);
        Assert.Contains(NodeId, _broker.RefusedLogins);
        Assert.False(agent.IsConnected);
        Assert.Contains(_logger.Warnings, w => w.Contains($"waiting for a technician to approve node {NodeId}", StringComparison.Ordinal) && w.Contains(agent.KeyFingerprint, StringComparison.Ordinal));

        await _broker.ApproveAsync(request);

        // Within the request's wait: the approval lets it in at once, with the password the hash was made from.
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);
        Assert.Contains(NodeId, _broker.NodeLogins);
        Assert.Equal(0, _broker.ForgedRequests);
    }

    [Fact]
    public async Task A_node_with_an_enrolment_token_is_approved_at_once_by_its_proof()
    {
        var agent = Start(Settings() with { EnrolmentToken = _token });

        var request = await _broker.NextRequestAsync(Timeout);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        Assert.True(EnrolmentTokenProof.TryParseToken(_token, out var tokenId, out var secret));
        Assert.Equal(tokenId, request.TokenId);
        Assert.True(EnrolmentTokenProof.Verify(secret, request, request.TokenProof));
        Assert.Equal([NodeId], _broker.NodeLogins);
    }

    [Fact]
    public async Task A_node_with_a_token_logs_its_first_refusal_as_information_and_one_without_as_a_warning()
    {
        var withToken = Start(Settings() with { EnrolmentToken = _token });
        Assert.Equal(NodeId, (await _broker.NextRequestAsync(Timeout)).NodeId);
        await withToken.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        var expected = Assert.Single(_logger.Entries, entry => entry.Message.Contains("refused the connection", StringComparison.Ordinal));
        Assert.Equal(LogLevel.Information, expected.Level);
        Assert.Contains("asking to enrol with enrolment token", expected.Message, StringComparison.Ordinal);

        // Without a token nothing happens until a technician acts: that refusal stays a warning.
        const string Waiting = "thon-4-cho-duyet";
        Start(Settings() with { NodeId = Waiting });
        Assert.Equal(Waiting, (await _broker.NextRequestAsync(Timeout)).NodeId);
        var refusal = Assert.Single(_logger.Entries, entry => entry.Message.Contains("refused the connection", StringComparison.Ordinal) && entry.Message.Contains(Waiting, StringComparison.Ordinal));
        Assert.Equal(LogLevel.Warning, refusal.Level);
    }

    [Fact]
    public async Task A_restarted_node_keeps_its_key_and_password_so_the_same_request_is_approved_once()
    {
        var first = Start(Settings() with { DataDirectory = _data });
        var request = await _broker.NextRequestAsync(Timeout);
        await first.DisposeAsync();

        var second = Start(Settings() with { DataDirectory = _data });
        var again = await _broker.NextRequestAsync(Timeout);

        Assert.Equal(request.PublicKey, again.PublicKey);
        Assert.Equal(request.PasswordHash, again.PasswordHash);
        Assert.Equal(first.KeyFingerprint, second.KeyFingerprint);
        await _broker.ApproveAsync(request);
        await second.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);
    }

    [Fact]
    public async Task Acknowledgements_and_events_are_signed_by_the_key_of_the_enrolment_request()
    {
        var agent = Start(Settings() with { EnrolmentToken = _token });
        var request = await _broker.NextRequestAsync(Timeout);
        await agent.WaitForBirthAsync(CancellationToken.None).WaitAsync(Timeout);

        var fromIndex = _recorder.Count;
        var id = await agent.RaiseEventAsync("fault.raised", EventSeverity.Fault, "overheat", "CPU 86 °C");
        var published = await _recorder.WaitForAsync(m => m.IsFor(NodeId, NodeMessageKind.Event), fromIndex);

        Assert.True(published.IsSigned);
        Assert.True(published.IsSignedBy(request.PublicKeyBytes()));
        Assert.Equal(id, published.Decode<NodeEvent>().Id);
        using var stranger = EcdsaP256.CreateKey();
        Assert.False(published.IsSignedBy(stranger.ExportSubjectPublicKeyInfo()));
    }

    [Fact]
    public async Task A_request_nobody_approves_is_asked_again_only_after_the_wait_and_the_reconnect_backoff_never_at_once()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero));
        var wait = TimeSpan.FromSeconds(30);
        Start(Settings() with { EnrolmentWait = wait, ReconnectWindow = TimeSpan.FromSeconds(25), ReconnectBackoffCap = TimeSpan.FromSeconds(30) }, time);
        await _broker.NextRequestAsync(Timeout);
        var asked = time.GetUtcNow();

        // The node's clock moves a second at a time; a node that spun would ask again at once.
        var again = _broker.NextRequestAsync(Timeout);
        var deadline = DateTime.UtcNow + Timeout;
        while (!again.IsCompleted && DateTime.UtcNow < deadline)
        {
            time.Advance(TimeSpan.FromSeconds(1));
            await Task.WhenAny(again, Task.Delay(10));
        }

        await again;
        var elapsed = time.GetUtcNow() - asked;
        Assert.True(elapsed >= wait, $"asked again after {elapsed} of the node's clock");
        Assert.True(elapsed <= wait + TimeSpan.FromSeconds(30) + TimeSpan.FromSeconds(10), $"asked again only after {elapsed}");
        Assert.Contains(_logger.Entries, entry => entry.Message.Contains("no approval within", StringComparison.Ordinal));
    }

    private NodeAgent Start(NodeAgentSettings settings, TimeProvider? time = null)
    {
        var agent = NodeComposer.Compose(settings, NodeDrivers.Simulated(1), time ?? TimeProvider.System, _logger);
        _agents.Add(agent);
        _ = agent.StartAsync(CancellationToken.None);
        return agent;
    }

    private NodeAgentSettings Settings() => new()
    {
        NodeId = NodeId,
        Zones = ["thon-3"],
        Brokers = [new BrokerEndpoint { Host = "127.0.0.1", Port = _broker.Port }],
        ReconnectWindow = TimeSpan.FromMilliseconds(200),
        ReconnectBackoffCap = TimeSpan.FromMilliseconds(200),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        EnrolmentWait = TimeSpan.FromSeconds(15),
        RandomSeed = 1,
    };
}
