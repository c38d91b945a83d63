using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using MQTTnet;
using MQTTnet.Diagnostics.Logger;
using MQTTnet.Formatter;
using MQTTnet.Protocol;
using MQTTnet.Server;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

namespace SmartLoudspeaker.Benchmarks;

/// <summary>
/// What the packet guard costs and what it saves (issue 10, item 3): a bare MQTTnet server on loopback, once with
/// MQTTnet's own TCP listeners and once with ours (<see cref="GuardedTcpServerAdapter"/>), no interceptors either way.
/// Throughput: <see cref="Publishers"/> clients each publish <see cref="PublishesEach"/> QoS 1 health-sized messages
/// (awaiting each PUBACK), one subscriber receives them all; time to the last one. Memory: <see cref="Attackers"/>
/// raw connections each declare a 100 MB PUBLISH and stream its body; the process's peak working set above its
/// start, sampled every 20 ms, and the bytes allocated meanwhile.
/// </summary>
internal static class PacketGuardBenchmark
{
    public const int Publishers = 4;
    public const int PublishesEach = 5000;
    public const int Attackers = 4;
    private const int DeclaredBytes = 100 * 1024 * 1024;

    public static async Task<string> RunAsync()
    {
        var report = new StringBuilder();
        report.AppendLine("### Packet guard: cost and memory under 100 MB publishes (`PacketGuardBenchmark`)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"| listeners | {Publishers} × {PublishesEach} QoS 1 publishes | publishes/s | peak working set growth, {Attackers} × 100 MB in parallel | allocated meanwhile |");
        report.AppendLine("|---|---:|---:|---:|---:|");

        // Both once first, so neither is measured with the JIT's first pass.
        await ThroughputAsync(guarded: false, publishesEach: 500);
        await ThroughputAsync(guarded: true, publishesEach: 500);
        foreach (var guarded in new[] { false, true })
        {
            var (elapsed, rate) = await ThroughputAsync(guarded, PublishesEach);
            var (peak, allocated) = await FloodAsync(guarded);
            report.AppendLine(CultureInfo.InvariantCulture,
                $"| {(guarded ? "ours (guarded)" : "MQTTnet's")} | {elapsed.TotalSeconds:F2} s | {rate:N0} | {peak / 1048576.0:N0} MB | {allocated / 1048576.0:N0} MB |");
        }

        return report.ToString();
    }

    private static async Task<(TimeSpan Elapsed, double Rate)> ThroughputAsync(bool guarded, int publishesEach)
    {
        var (server, port) = await StartAsync(guarded);
        using var running = server;
        using var subscriber = await ConnectAsync(port, "subscriber");
        var received = 0;
        var all = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        subscriber.ApplicationMessageReceivedAsync += _ =>
        {
            if (Interlocked.Increment(ref received) == Publishers * publishesEach)
            {
                all.TrySetResult();
            }

            return Task.CompletedTask;
        };
        await subscriber.SubscribeAsync("sl/v1/node/+/health", MqttQualityOfServiceLevel.AtLeastOnce);
        var publishers = new List<IMqttClient>();
        for (var i = 0; i < Publishers; i++)
        {
            publishers.Add(await ConnectAsync(port, "node-" + i));
        }

        var payload = new byte[300];
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(publishers.Select(async (client, i) =>
        {
            var message = new MqttApplicationMessageBuilder().WithTopic($"sl/v1/node/node-{i}/health").WithPayload(payload)
                .WithQualityOfServiceLevel(MqttQualityOfServiceLevel.AtLeastOnce).Build();
            for (var n = 0; n < publishesEach; n++)
            {
                await client.PublishAsync(message);
            }
        }));
        await all.Task.WaitAsync(TimeSpan.FromMinutes(5));
        clock.Stop();
        foreach (var client in publishers)
        {
            client.Dispose();
        }

        return (clock.Elapsed, Publishers * publishesEach / clock.Elapsed.TotalSeconds);
    }

    private static async Task<(long PeakGrowth, long Allocated)> FloodAsync(bool guarded)
    {
        var (server, port) = await StartAsync(guarded);
        using var running = server;
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var start = process.WorkingSet64;
        var peak = start;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                process.Refresh();
                peak = Math.Max(peak, process.WorkingSet64);
                await Task.Delay(20);
            }
        });

        await Task.WhenAll(Enumerable.Range(0, Attackers).Select(AttackAsync));

        // MQTTnet decodes and dispatches a body after reading it: give it the time before the last sample.
        await Task.Delay(TimeSpan.FromSeconds(1));
        await sampling.CancelAsync();
        await sampler;
        return (peak - start, GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore);

        async Task AttackAsync(int attacker)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(new IPEndPoint(IPAddress.Loopback, port));
            var id = "attacker-" + attacker;
            await socket.SendAsync(Connect(id));
            var connack = new byte[4];
            await socket.ReceiveAsync(connack);
            var chunk = new byte[64 * 1024];
            try
            {
                await socket.SendAsync(PublishHead($"sl/v1/node/{id}/event", DeclaredBytes));
                for (long sent = 0; sent < DeclaredBytes; sent += chunk.Length)
                {
                    await socket.SendAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, DeclaredBytes - sent)));
                }
            }
            catch (SocketException)
            {
                // Cut off by the guard.
            }
        }
    }

    private static async Task<(MqttServer Server, int Port)> StartAsync(bool guarded)
    {
        var options = new MqttServerOptionsBuilder().WithDefaultEndpoint().WithDefaultEndpointPort(0)
            .WithDefaultEndpointBoundIPAddress(IPAddress.Loopback).WithDefaultEndpointBoundIPV6Address(IPAddress.None).Build();
        var factory = new MqttServerFactory();
        var server = guarded
            ? factory.CreateMqttServer(options, [new GuardedTcpServerAdapter(new PacketLimits(new BrokerOptions { MaxPublishesPerSecond = 100_000, PublishBurst = 100_000 }, "controller-x"), TimeProvider.System, _ => { }, NullLogger.Instance)], new MqttNetNullLogger())
            : factory.CreateMqttServer(options);
        await server.StartAsync();
        return (server, options.DefaultEndpointOptions.Port);
    }

    private static async Task<IMqttClient> ConnectAsync(int port, string clientId)
    {
        var client = new MqttClientFactory().CreateMqttClient();
        await client.ConnectAsync(new MqttClientOptionsBuilder().WithTcpServer("127.0.0.1", port).WithClientId(clientId)
            .WithProtocolVersion(MqttProtocolVersion.V311).Build());
        return client;
    }

    private static byte[] Connect(string clientId)
    {
        var id = Encoding.ASCII.GetBytes(clientId);
        byte[] body = [0, 4, .. "MQTT"u8, 4, 0x02, 0, 60, 0, (byte)id.Length, .. id];
        return [0x10, (byte)body.Length, .. body];
    }

    private static byte[] PublishHead(string topic, int remainingLength)
    {
        var head = new List<byte> { 0x30 };
        do
        {
            var digit = (byte)(remainingLength % 128);
            remainingLength /= 128;
            head.Add(remainingLength > 0 ? (byte)(digit | 0x80) : digit);
        }
        while (remainingLength > 0);
        var topicBytes = Encoding.ASCII.GetBytes(topic);
        head.AddRange([0, (byte)topicBytes.Length, .. topicBytes]);
        return [.. head];
    }
}
