namespace SmartLoudspeaker.Controller.Tests.Support;

/// <summary>
/// Tests that measure the whole test process (allocations, memory) run alone, after the parallel ones, so other
/// tests' work does not count against their bounds.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideMeasurement
{
    /// <summary>The collection's name.</summary>
    public const string Name = "process-wide measurement";
}
