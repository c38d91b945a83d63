using System.Net;
using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Infrastructure.Mqtt;

/// <summary>
/// The controller's one MQTT client. It talks to the embedded broker exactly as to Mosquitto (same code path), with a
/// Last Will that marks the controller offline on <see cref="Topics.ControllerState"/>.
/// </summary>
internal sealed class ControllerMqttClient : IMqttPublisher, IDisposable
{
    private readonly BrokerOptions _options;
    private readonly EmbeddedBroker _embeddedBroker;
    private readonly ControllerIdentity _identity;
    private readonly ControllerMetrics _metrics;
    private readonly TimeProvider _timeProvider;
    private readonly IMqttClient _client;

    public ControllerMqttClient(
        IOptions<BrokerOptions> options,
        EmbeddedBroker embeddedBroker,
        ControllerIdentity identity,
        ControllerMetrics metrics,
        TimeProvider timeProvider,
        ILoggerFactory loggerFactory)
    {
        _options = options.Value;
        _embeddedBroker = embeddedBroker;
        _identity = identity;
        _metrics = metrics;
        _timeProvider = timeProvider;
        _client = new MqttClientFactory().CreateMqttClient(new MqttNetLoggerAdapter(loggerFactory.CreateLogger("MQTTnet.Client"), LogLevel.Debug));
    }

    public bool IsConnected => _client.IsConnected;

    /// <summary>The underlying client, for the connection service's events.</summary>
    public IMqttClient Client => _client;

    /// <summary>Where the broker is: the embedded one over loopback when it listens on every interface.</summary>
    public (string Host, int Port) Endpoint()
    {
        if (_options.Mode == BrokerMode.External)
        {
            return (_options.Host!, _options.Port);
        }

        var address = _embeddedBroker.BindAddress;
        var host = address.Equals(IPAddress.Any) ? IPAddress.Loopback
            : address.Equals(IPAddress.IPv6Any) ? IPAddress.IPv6Loopback
            : address;
        return (host.ToString(), _embeddedBroker.Port);
    }

    /// <summary>Connects, subscribes to every node topic and announces this controller instance (retained).</summary>
    public async Task ConnectAsync(CancellationToken cancellationToken)
    {
        var (host, port) = Endpoint();
        var will = WireCodec.Encode(new ControllerState
        {
            Online = false,
            Instance = _identity.Instance,
            Ts = _timeProvider.GetUtcNow(),
        });
        var options = new MqttClientOptionsBuilder()
            .WithTcpServer(host, port)
            .WithClientId(_identity.ClientId)
            .WithProtocolVersion(MqttProtocolVersion.V311)
            .WithCleanSession(true)
            .WithKeepAlivePeriod(_options.KeepAlive)
            .WithTimeout(TimeSpan.FromSeconds(10))
            .WithWillTopic(Topics.ControllerState)
            .WithWillPayload(will)
            .WithWillRetain(true)
            .WithWillQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
            .Build();
        // A refused CONNACK does not throw in MQTTnet 5; it comes back as a result code.
        var connected = await _client.ConnectAsync(options, cancellationToken);
        if (connected.ResultCode != MqttClientConnectResultCode.Success)
        {
            throw new InvalidOperationException($"the broker refused the connection: {connected.ResultCode} {connected.ReasonString}");
        }

        var subscribe = new MqttClientSubscribeOptionsBuilder();
        foreach (var filter in Topics.ControllerSubscriptions)
        {
            subscribe.WithTopicFilter(filter, MqttQualityOfServiceLevel.AtLeastOnce);
        }

        await _client.SubscribeAsync(subscribe.Build(), cancellationToken);
        await PublishStateAsync(online: true, cancellationToken);
    }

    /// <summary>Says goodbye (retained offline state) and disconnects cleanly, so the broker does not send the Will.</summary>
    public async Task DisconnectAsync(CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return;
        }

        await PublishStateAsync(online: false, cancellationToken);
        await _client.DisconnectAsync(new MqttClientDisconnectOptionsBuilder().Build(), cancellationToken);
    }

    public async Task<bool> PublishAsync(string topic, byte[] payload, bool atLeastOnce, bool retain, CancellationToken cancellationToken)
    {
        if (!_client.IsConnected)
        {
            return false;
        }

        var message = new MqttApplicationMessageBuilder()
            .WithTopic(topic)
            .WithPayload(payload)
            .WithQualityOfServiceLevel(atLeastOnce ? MqttQualityOfServiceLevel.AtLeastOnce : MqttQualityOfServiceLevel.AtMostOnce)
            .WithRetainFlag(retain)
            .Build();
        var result = await _client.PublishAsync(message, cancellationToken);
        if (!result.IsSuccess)
        {
            return false;
        }

        _metrics.MessagesPublished.WithLabels(KindOf(topic)).Inc();
        return true;
    }

    public void Dispose() => _client.Dispose();

    private Task<bool> PublishStateAsync(bool online, CancellationToken cancellationToken) =>
        PublishAsync(
            Topics.ControllerState,
            WireCodec.Encode(new ControllerState { Online = online, Instance = _identity.Instance, Ts = _timeProvider.GetUtcNow() }),
            atLeastOnce: true,
            retain: true,
            cancellationToken);

    /// <summary>Metrics label of a topic the controller publishes: its last level ("evack", "cmd") or "state".</summary>
    private static string KindOf(string topic) => topic[(topic.LastIndexOf('/') + 1)..];
}
