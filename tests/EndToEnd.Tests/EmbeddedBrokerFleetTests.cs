using SmartLoudspeaker.TestUtilities;

namespace SmartLoudspeaker.EndToEnd.Tests;

/// <summary>The fleet scenarios with the Controller's embedded MQTTnet broker.</summary>
public sealed class EmbeddedBrokerFleetTests : FleetScenarios
{
    // MQTTnet's keepalive monitor runs about twice a second (measured: 3.2–3.5 s for a 2 s keepalive).
    internal override TimeSpan BrokerKeepAliveSlack => TimeSpan.FromSeconds(2);

    internal override Task<ControllerUnderTest> StartControllerAsync(string dataDirectory, TimeProvider? time = null, int port = 0) =>
        Task.FromResult(ControllerUnderTest.WithEmbeddedBroker(dataDirectory, time, port));

    internal override Task<int> ReserveControllerPortAsync() => Task.FromResult(FreePort.Next());

    internal override ValueTask DisposeBrokerAsync() => ValueTask.CompletedTask;
}
