using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Configuration;

namespace SmartLoudspeaker.Node.Hosting;

/// <summary>The real node: one <see cref="NodeAgent"/> for the configured node id, for the life of the host.</summary>
public sealed class NodeWorker : BackgroundService
{
    private readonly NodeOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggerFactory;
    private readonly ILogger<NodeWorker> _logger;
    private NodeAgent? _agent;

    /// <summary>Creates the worker.</summary>
    public NodeWorker(IOptions<NodeOptions> options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        _options = options.Value;
        _time = time;
        _loggerFactory = loggerFactory;
        _logger = loggerFactory.CreateLogger<NodeWorker>();
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
        if (_agent is { } agent)
        {
            await agent.StopAsync(cancellationToken).ConfigureAwait(false);
            await agent.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _agent = NodeComposer.ForNode(_options, _time, _loggerFactory);
        _logger.LogInformation(
            "Node {NodeId} ({Model}) starting; zones {Zones}; brokers {Brokers}",
            _agent.NodeId, _agent.Hardware.Model, string.Join(",", _options.Zones), string.Join(",", _options.Brokers));
        await _agent.StartAsync(stoppingToken).ConfigureAwait(false);
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, _time, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Host stopping: StopAsync says goodbye.
        }
    }
}
