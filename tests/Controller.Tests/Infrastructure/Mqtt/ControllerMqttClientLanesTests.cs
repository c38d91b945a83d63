using System.Collections.Concurrent;
using System.Net;
using MQTTnet;
using MQTTnet.Server;
using Microsoft.Extensions.Logging.Abstractions;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Tests.Support;
using SmartLoudspeaker.Protocol.Outbound;

namespace SmartLoudspeaker.Controller.Tests.Infrastructure.Mqtt;

/// <summary>
/// The Controller's publishes go through lanes, against a real MQTTnet broker on loopback whose publish hook holds the
/// first media chunk: MQTTnet's broker handles one client's packets in order, so while that chunk is held nothing
/// behind it is answered, the in-flight window fills and the rest of the transfer waits in its lane.
/// </summary>
public sealed class ControllerMqttClientLanesTests
{
    private const string Node = "sl/v1/node/lane-node/";

    [Fact]
    public async Task A_control_publish_overtakes_a_queued_transfer_and_its_caller_gets_the_brokers_answer()
    {
        await using var link = await HeldLink.StartAsync();
        const int chunks = ControllerMqttClient.MaxInFlight * 3;
        var transfer = Enumerable.Range(0, chunks)
            .Select(i => link.Client.PublishAsync(OutboundLane.BulkMedia, Node + "media/" + i, new byte[512], atLeastOnce: true, retain: false, CancellationToken.None))
            .ToList();
        await link.FirstChunkHeld.WaitAsync(ControllerHost.Timeout);

        var command = link.Client.PublishAsync(Node + "cmd", [1, 2, 3], atLeastOnce: true, retain: false, CancellationToken.None);
        Assert.False(command.IsCompleted);
        link.Release();

        Assert.True(await command.WaitAsync(ControllerHost.Timeout));
        Assert.All(await Task.WhenAll(transfer).WaitAsync(ControllerHost.Timeout), Assert.True);

        // What MQTTnet already held when the command was posted (the window) may go first; the queued rest may not.
        var order = link.Received.Where(topic => topic.StartsWith(Node, StringComparison.Ordinal)).ToList();
        Assert.Equal(chunks + 1, order.Count);
        Assert.InRange(order.IndexOf(Node + "cmd"), 1, ControllerMqttClient.MaxInFlight);
    }

    [Fact]
    public async Task A_full_lane_refuses_at_once_and_the_control_lane_still_works()
    {
        await using var link = await HeldLink.StartAsync();
        var accepted = new List<Task<bool>>();
        Task<bool>? refused = null;
        for (var i = 0; refused is null && i < ControllerMqttClient.MaxInFlight + ControllerMqttClient.MediaLaneCapacity + 1; i++)
        {
            var publish = link.Client.PublishAsync(OutboundLane.BulkMedia, Node + "media/" + i, [0], atLeastOnce: true, retain: false, CancellationToken.None);
            if (publish is { IsCompletedSuccessfully: true, Result: false })
            {
                refused = publish;
            }
            else
            {
                accepted.Add(publish);
            }
        }

        // Refused while the broker still holds the first chunk: the lane never grows past its capacity and the window.
        Assert.NotNull(refused);
        Assert.InRange(accepted.Count, ControllerMqttClient.MediaLaneCapacity, ControllerMqttClient.MediaLaneCapacity + ControllerMqttClient.MaxInFlight);
        await link.FirstChunkHeld.WaitAsync(ControllerHost.Timeout);

        var command = link.Client.PublishAsync(Node + "cmd", [1], atLeastOnce: true, retain: false, CancellationToken.None);
        link.Release();
        Assert.True(await command.WaitAsync(ControllerHost.Timeout));
        Assert.All(await Task.WhenAll(accepted).WaitAsync(ControllerHost.Timeout), Assert.True);
    }

    [Fact]
    public async Task What_waits_in_the_lanes_when_the_connection_ends_is_answered_not_sent()
    {
        await using var link = await HeldLink.StartAsync();
        var transfer = Enumerable.Range(0, ControllerMqttClient.MaxInFlight * 2)
            .Select(i => link.Client.PublishAsync(OutboundLane.BulkMedia, Node + "media/" + i, [0], atLeastOnce: true, retain: false, CancellationToken.None))
            .ToList();
        await link.FirstChunkHeld.WaitAsync(ControllerHost.Timeout);

        // Cut from the client's side: the broker cannot close a session whose publish its own hook still holds.
        await link.Client.Client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build());

        // The queued ones come back false (in flight ones fail as MQTTnet fails them); nothing waits forever.
        var queued = transfer.Skip(ControllerMqttClient.MaxInFlight).ToList();
        await Task.WhenAll(queued).WaitAsync(ControllerHost.Timeout);
        Assert.All(queued, publish => Assert.False(publish.Result));
        Assert.False(await link.Client.PublishAsync(Node + "cmd", [1], atLeastOnce: true, retain: false, CancellationToken.None));
    }

    /// <summary>A broker that holds the first media chunk until <see cref="Release"/>, and the client connected to it.</summary>
    private sealed class HeldLink : IAsyncDisposable
    {
        private readonly TaskCompletionSource _held = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);

        private HeldLink(MqttServer server, ControllerMqttClient client)
        {
            Server = server;
            Client = client;
        }

        public MqttServer Server { get; }

        public ControllerMqttClient Client { get; }

        public ConcurrentQueue<string> Received { get; } = new();

        public Task FirstChunkHeld => _held.Task;

        public static async Task<HeldLink> StartAsync()
        {
            var serverOptions = new MqttServerOptionsBuilder()
                .WithDefaultEndpoint()
                .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback)
                .WithDefaultEndpointBoundIPV6Address(IPAddress.None)
                .WithDefaultEndpointPort(0)
                .Build();
            var server = new MqttServerFactory().CreateMqttServer(serverOptions);
            await server.StartAsync();

            var brokerOptions = Microsoft.Extensions.Options.Options.Create(new BrokerOptions
            {
                Mode = BrokerMode.External,
                Host = "127.0.0.1",
                Port = serverOptions.DefaultEndpointOptions.Port,
                Username = "controller",
                Password = "not-checked-by-this-bare-broker",
            });
            var identity = new ControllerIdentity();
            var metrics = new ControllerMetrics();
            using var unusedCertificate = new BrokerServerCertificate(
                brokerOptions, Microsoft.Extensions.Options.Options.Create(new StoreOptions()), TimeProvider.System, NullLogger<BrokerServerCertificate>.Instance);
            using var unusedBroker = new EmbeddedBroker(
                brokerOptions, identity, metrics, NullLogger<EmbeddedBroker>.Instance, NullLoggerFactory.Instance, TimeProvider.System,
                new BrokerAccountDirectory(), new BrokerRefusalLog(TimeProvider.System), unusedCertificate, new EnrolmentSenders());
            var credentials = new ControllerBrokerCredentials(brokerOptions, new BrokerSecrets(Microsoft.Extensions.Options.Options.Create(new StoreOptions())));
            var client = new ControllerMqttClient(brokerOptions, unusedBroker, identity, credentials, metrics, TimeProvider.System, NullLoggerFactory.Instance);
            var link = new HeldLink(server, client);
            server.InterceptingPublishAsync += link.OnPublishAsync;
            await client.ConnectAsync(CancellationToken.None);
            return link;
        }

        public void Release() => _release.TrySetResult();

        public async ValueTask DisposeAsync()
        {
            Release();
            Client.Dispose();
            await Server.StopAsync();
            Server.Dispose();
        }

        private async Task OnPublishAsync(InterceptingPublishEventArgs args)
        {
            var topic = args.ApplicationMessage.Topic;
            if (topic == Node + "media/0")
            {
                _held.TrySetResult();
                await _release.Task;
            }

            Received.Enqueue(topic);
        }
    }
}
