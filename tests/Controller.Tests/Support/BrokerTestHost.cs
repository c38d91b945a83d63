namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// What the broker's test classes share: a Controller in-process on a fresh data folder (with chosen settings), and
/// every client a test opened on its broker, closed before the host stops and the folder goes.
/// </summary>
internal sealed class BrokerTestHost : IAsyncDisposable, IDisposable
{
    private readonly TemporaryDirectory _data = new();
    private readonly List<BrokerClient> _brokerClients = [];
    private readonly List<IDisposable> _owned = [];

    public BrokerTestHost(IDictionary<string, string?>? settings = null) => Host = ControllerHost.Start(_data.Path, settings: settings);

    public ControllerHost Host { get; }

    /// <summary>The host's store and keys folder.</summary>
    public string DataDirectory => _data.Path;

    /// <summary>A client with these credentials and id (a refused CONNACK is its result code), closed at the end.</summary>
    public async Task<BrokerClient> ConnectAsync(string? username, string? password, string clientId)
    {
        var client = await BrokerClient.ConnectAsync(Host.MqttPort, username, password, clientId);
        _brokerClients.Add(client);
        return client;
    }

    /// <summary>Takes <paramref name="client"/> to dispose at the end, before the host.</summary>
    public T Own<T>(T client)
        where T : IDisposable
    {
        _owned.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _brokerClients)
        {
            await client.DisposeAsync();
        }

        _brokerClients.Clear();
        Dispose();
    }

    /// <summary>Disposes the owned clients, the host and the folder (clients from <see cref="ConnectAsync"/> need <see cref="DisposeAsync"/>).</summary>
    public void Dispose()
    {
        foreach (var client in _owned)
        {
            client.Dispose();
        }

        _owned.Clear();
        Host.Dispose();
        _data.Dispose();
    }
}
