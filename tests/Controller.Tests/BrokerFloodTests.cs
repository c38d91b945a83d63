using MQTTnet;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using SmartLoudspeaker.Controller.Tests.Support;
using Xunit.Abstractions;

namespace SmartLoudspeaker.Controller.Tests;

/// <summary>
/// Issue 10's measurement: one 100 MB publish grew the controller 193 MB → 599 MB, four in parallel to 1.52 GB. Now
/// the broker refuses each on its head, and a node publishing meanwhile is not disturbed.
/// </summary>
[Collection(ProcessWideMeasurement.Name)]
public sealed class BrokerFloodTests : IDisposable
{
    private const int DeclaredBytes = 100 * 1024 * 1024;

    // Bytes the whole process may allocate while four 100 MB publishes are refused and 50 legitimate ones delivered.
    // MQTTnet buffering even one of the bodies would allocate 100 MB (twice, with the decode).
    private const long AllocationBound = 32L * 1024 * 1024;

    // What an attacker may push before its connection is reset: the socket buffers of the loopback, not the body.
    private const long SentBound = 32L * 1024 * 1024;

    private readonly TemporaryDirectory _data = new();
    private readonly ControllerHost _host;
    private readonly ITestOutputHelper _output;

    public BrokerFloodTests(ITestOutputHelper output)
    {
        _output = output;
        _host = ControllerHost.Start(_data.Path);
    }

    public void Dispose()
    {
        _host.Dispose();
        _data.Dispose();
    }

    [Fact]
    public async Task Four_100_MB_publishes_in_parallel_are_cut_off_on_their_heads_while_a_node_keeps_publishing()
    {
        using var subscriber = await _host.ConnectAsync("obs-flood");
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == 50)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("sl/v1/node/legit/event", MqttQualityOfServiceLevel.AtLeastOnce);
        using var node = await _host.ConnectAsync("legit");

        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        var attacks = Enumerable.Range(1, 4).Select(AttackAsync).ToArray();
        for (var i = 0; i < 50; i++)
        {
            var result = await node.PublishAsync(new MqttApplicationMessageBuilder()
                .WithTopic("sl/v1/node/legit/event")
                .WithPayload("{}"u8.ToArray())
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce)
                .Build());
            Assert.True(result.IsSuccess);
        }

        var sent = await Task.WhenAll(attacks);
        await all.Task.WaitAsync(ControllerHost.Timeout);
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        _output.WriteLine($"allocated {allocated / 1024.0 / 1024:F1} MB; attackers sent {string.Join(", ", sent.Select(bytes => $"{bytes / 1024.0 / 1024:F1} MB"))} before the reset");

        Assert.All(sent, bytes => Assert.True(bytes < SentBound, $"an attacker sent {bytes} bytes before it was cut off"));
        Assert.True(allocated < AllocationBound, $"{allocated / 1024 / 1024} MB allocated during the flood");
        Assert.Equal(4, await _host.MetricAsync("sl_broker_refused_total{reason=\"packet-too-large\"}"));
        Assert.True(node.IsConnected);
        Assert.Equal(50, received);
        _host.AssertNoErrors();
    }

    /// <summary>Connects, declares a 100 MB PUBLISH and streams its body until the broker cuts it off; returns the bytes sent.</summary>
    private async Task<long> AttackAsync(int attacker)
    {
        using var raw = await RawMqttClient.ConnectAsync(_host.MqttPort);
        Assert.True(await raw.TrySendAsync(RawMqtt.Connect($"attacker-{attacker}", username: $"attacker-{attacker}", password: _host.PutNode($"attacker-{attacker}", "thon-1"))));
        Assert.Equal([0x20, 0x02, 0x00, 0x00], await raw.ReceiveAsync(4));

        var head = RawMqtt.PublishHead($"sl/v1/node/attacker-{attacker}/health", DeclaredBytes);
        long sent = head.Length;
        Assert.True(await raw.TrySendAsync(head));
        var chunk = new byte[64 * 1024];
        while (sent < DeclaredBytes && await raw.TrySendAsync(chunk))
        {
            sent += chunk.Length;
        }

        await raw.WaitClosedAsync();
        return sent;
    }
}
