using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>The fleet scenarios with a real Mosquitto broker and the Controller in external-broker mode.</summary>
public sealed class MosquittoFleetTests : FleetScenarios
{
    private MosquittoBroker? mosquitto;

    // Mosquitto 2.0.11 (Debian 12) checks keepalives coarsely: measured here 2.7–8.4 s for a 2 s keepalive, i.e. up
    // to about 5.5 s late. Its newer keepalive algorithm (2.0.21) is not in Debian 12. With the production keepalive
    // of 30 s the Will still arrives within EN 54-16's 100 s.
    internal override TimeSpan BrokerKeepAliveSlack => TimeSpan.FromSeconds(7);

    internal override async Task<ControllerUnderTest> StartControllerAsync(string dataDirectory, TimeProvider? time = null, int port = 0)
    {
        mosquitto ??= await MosquittoBroker.StartAsync();
        return ControllerUnderTest.WithExternalBroker(mosquitto.Port, dataDirectory, time);
    }

    internal override async Task<int> ReserveControllerPortAsync()
    {
        mosquitto ??= await MosquittoBroker.StartAsync();
        return mosquitto.Port;
    }

    internal override async ValueTask DisposeBrokerAsync()
    {
        if (mosquitto is not null)
        {
            await mosquitto.DisposeAsync();
        }
    }
}
