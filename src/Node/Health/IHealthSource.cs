using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Health;

/// <summary>Where a node's hardware description and system readings come from (real board or simulation).</summary>
public interface IHealthSource
{
    /// <summary>What the node runs on, announced in its birth.</summary>
    HardwareProfile Hardware { get; }

    /// <summary>Takes one reading; implementations report unknowns as nulls and do not throw for missing files.</summary>
    ValueTask<HealthSample> ReadAsync(CancellationToken cancellationToken);
}
