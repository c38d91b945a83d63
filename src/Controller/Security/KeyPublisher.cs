using MQTTnet;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>
/// Publishes every signing-key certificate (retained, <c>sl/v1/controller/keys/{kid}</c>) and the revocation list
/// (retained, <c>sl/v1/controller/revocations</c>) each time the Controller's client connects, so a broker that lost
/// its retained messages (a restart of Mosquitto without persistence) has them again at once. Republishing the same
/// bytes is harmless: nodes verify each and keep the union.
/// </summary>
internal sealed class KeyPublisher : IHostedService, IDisposable
{
    private readonly ControllerKeyRing _keys;
    private readonly ControllerMqttClient _client;
    private readonly ILogger<KeyPublisher> _logger;
    private readonly CancellationTokenSource _stopping = new();

    public KeyPublisher(ControllerKeyRing keys, ControllerMqttClient client, ILogger<KeyPublisher> logger)
    {
        _keys = keys;
        _client = client;
        _logger = logger;

        // Subscribed here, not in StartAsync: the host builds every hosted service before starting any, so this sees
        // the first connection even though the connection service starts first.
        _client.Client.ConnectedAsync += OnConnectedAsync;
    }

    /// <summary>Raised after a round of publishing (tests wait on it instead of sleeping).</summary>
    public event Action<int>? Published;

    public Task StartAsync(CancellationToken cancellationToken) =>
        _client.IsConnected ? PublishAllAsync(cancellationToken) : Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        _client.Client.ConnectedAsync -= OnConnectedAsync;
        try
        {
            await _stopping.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // A host can stop a service after disposing it (WebApplicationFactory stops twice): nothing is left to cancel.
        }
    }

    public void Dispose() => _stopping.Dispose();

    private Task OnConnectedAsync(MqttClientConnectedEventArgs args)
    {
        // Not awaited inside MQTTnet's connect: publishing from its own event could hold up the connect it reports.
        _ = Task.Run(() => PublishAllAsync(_stopping.Token));
        return Task.CompletedTask;
    }

    private async Task PublishAllAsync(CancellationToken cancellationToken)
    {
        var count = 0;
        try
        {
            foreach (var key in _keys.Keys)
            {
                count += await _client.PublishAsync(Topics.ForControllerKey(key.Certificate.Kid), key.CertificatePayload, atLeastOnce: true, retain: true, cancellationToken) ? 1 : 0;
            }

            if (_keys.RevocationPayload is { } revocations)
            {
                count += await _client.PublishAsync(Topics.ControllerRevocations, revocations, atLeastOnce: true, retain: true, cancellationToken) ? 1 : 0;
            }

            _logger.LogInformation("Published {Count} signing certificate(s) and revocation list(s), retained", count);
        }
        catch (Exception exception) when (exception is OperationCanceledException or MQTTnet.Exceptions.MqttCommunicationException or ObjectDisposedException)
        {
            // The connection went away mid-way; the next connection publishes everything again.
            _logger.LogDebug("Publishing the signing certificates was cut short: {Message}", exception.Message);
        }

        Published?.Invoke(count);
    }
}
