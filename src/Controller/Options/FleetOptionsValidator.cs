using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Options;

/// <summary>Refuses fleet thresholds that could not work, naming the key to fix.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        if (double.IsNaN(options.OverheatCelsius) || options.OverheatCelsius is < 0 or > 150)
        {
            errors.Add($"Fleet:OverheatCelsius must be 0–150 °C, not {options.OverheatCelsius}.");
        }

        if (double.IsNaN(options.DiskNearlyFullPercent) || options.DiskNearlyFullPercent is <= 0 or > 100)
        {
            errors.Add($"Fleet:DiskNearlyFullPercent must be above 0 and at most 100, not {options.DiskNearlyFullPercent}.");
        }

        if (double.IsNaN(options.OfflineAfterHeartbeats) || options.OfflineAfterHeartbeats is < 1 or > 100)
        {
            errors.Add($"Fleet:OfflineAfterHeartbeats must be 1–100 heartbeats, not {options.OfflineAfterHeartbeats}.");
        }

        if (options.SweepInterval < TimeSpan.FromMilliseconds(10) || options.SweepInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add($"Fleet:SweepInterval must be between 00:00:00.010 and 00:10:00, not {options.SweepInterval}.");
        }

        if (options.HistoryPerNode is < 1 or > 10_000)
        {
            errors.Add($"Fleet:HistoryPerNode must be 1–10000, not {options.HistoryPerNode}.");
        }

        if (options.EventsPerNode is < 1 or > 10_000)
        {
            errors.Add($"Fleet:EventsPerNode must be 1–10000, not {options.EventsPerNode}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
