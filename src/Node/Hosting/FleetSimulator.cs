using System.Globalization;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;

namespace SmartLoudspeaker.Node.Hosting;

/// <summary>
/// Many simulated nodes in one process (demo, load tests): <c>{IdPrefix}-01</c> … each with its own MQTT connection
/// and simulated drivers, spread round-robin over zones <c>zone-1</c> … <c>zone-N</c>. Each is built by
/// <see cref="NodeComposer.ForSimulatedNode"/>, the path the single node takes too, and keeps its outbox and bdSeq in
/// its own subfolder of the data folder, named after its id, as a real node would.
/// </summary>
public sealed class FleetSimulator : BackgroundService
{
    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<FleetSimulator> _logger;
    private readonly List<NodeAgent> _agents = [];
    private readonly Lock _gate = new();

    /// <summary>Creates the simulator from the bound options.</summary>
    public FleetSimulator(IOptions<NodeOptions> options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<FleetSimulator>();
    }

    /// <summary>The agents started so far.</summary>
    public IReadOnlyList<NodeAgent> Agents
    {
        get
        {
            lock (_gate)
            {
                return [.. _agents];
            }
        }
    }

    /// <summary>The id of simulated node <paramref name="number"/> (1-based): <c>{prefix}-{number:00}</c>.</summary>
    public static string NodeIdFor(string prefix, int number) =>
        string.Create(CultureInfo.InvariantCulture, $"{prefix}-{number:00}");

    /// <summary>The zone of simulated node <paramref name="number"/> (1-based), round-robin: <c>zone-1</c> … <c>zone-N</c>.</summary>
    public static string ZoneFor(int number, int zoneCount) =>
        string.Create(CultureInfo.InvariantCulture, $"zone-{((number - 1) % zoneCount) + 1}");

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        var agents = Agents;
        await Task.WhenAll(agents.Select(agent => agent.StopAsync(cancellationToken))).ConfigureAwait(false);
        foreach (var agent in agents)
        {
            await agent.DisposeAsync().ConfigureAwait(false);
        }

        _logger.LogInformation("Fleet simulator stopped {Count} nodes", agents.Count);
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var simulation = _options.Simulation;
        _logger.LogInformation(
            "Fleet simulator: {Count} nodes '{Prefix}-NN' over {Zones} zones, brokers {Brokers}",
            simulation.NodeCount, simulation.IdPrefix, simulation.ZoneCount, string.Join(",", _options.Brokers));
        for (var number = 1; number <= simulation.NodeCount && !stoppingToken.IsCancellationRequested; number++)
        {
            if (number > 1 && simulation.Stagger > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(simulation.Stagger, _time, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }

            var agent = NodeComposer.ForSimulatedNode(_options, number, _time, _loggerFactory);
            lock (_gate)
            {
                _agents.Add(agent);
            }

            await agent.StartAsync(stoppingToken).ConfigureAwait(false);
        }
    }
}
