namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// One row of the skew benchmark: the path every node's clock-sync exchanges take, or no sync at all.
/// Each leg's one-way delay is its base plus uniform jitter, drawn per exchange from the node's seeded generator.
/// </summary>
/// <param name="Name">The row's label.</param>
/// <param name="UpMs">Least one-way delay node → Controller.</param>
/// <param name="DownMs">Least one-way delay Controller → node.</param>
/// <param name="JitterMs">Width of the uniform jitter added to each leg.</param>
/// <param name="Synced">False for the negative control: the node takes its own clock for the Controller's.</param>
internal sealed record SkewScenario(string Name, double UpMs, double DownMs, double JitterMs, bool Synced = true);
