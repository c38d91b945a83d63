using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Protocol.Commands;

namespace SmartLoudspeaker.Controller.Fleet;

/// <summary>Refuses fleet thresholds that could not work, naming the key to fix.</summary>
internal sealed class FleetOptionsValidator : IValidateOptions<FleetOptions>
{
    public ValidateOptionsResult Validate(string? name, FleetOptions options)
    {
        var errors = new List<string>();
        if (double.IsNaN(options.OverheatCelsius) || options.OverheatCelsius is < 0 or > 150)
        {
            errors.Add(InvalidSetting.Describe("Fleet:OverheatCelsius", options.OverheatCelsius, "must be 0–150 (°C)"));
        }

        if (double.IsNaN(options.DiskNearlyFullPercent) || options.DiskNearlyFullPercent is <= 0 or > 100)
        {
            errors.Add(InvalidSetting.Describe("Fleet:DiskNearlyFullPercent", options.DiskNearlyFullPercent, "must be above 0 and at most 100"));
        }

        if (double.IsNaN(options.OfflineAfterHeartbeats) || options.OfflineAfterHeartbeats is < 1 or > 100)
        {
            errors.Add(InvalidSetting.Describe("Fleet:OfflineAfterHeartbeats", options.OfflineAfterHeartbeats, "must be 1–100 (heartbeats)"));
        }

        // Bounded by the protocol's set-heartbeat range: a node cannot be asked for a heartbeat outside it, and a
        // larger cap would let a stated heartbeat stretch fault detection beyond what the command could ever set.
        if (options.MaxHeartbeat < TimeSpan.FromSeconds(SetHeartbeatCommand.MinSeconds)
            || options.MaxHeartbeat > TimeSpan.FromSeconds(SetHeartbeatCommand.MaxSeconds)
            || options.MaxHeartbeat.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            errors.Add(InvalidSetting.Describe("Fleet:MaxHeartbeat", options.MaxHeartbeat, "must be whole seconds between 00:00:10 and 00:05:00"));
        }

        if (options.SweepInterval < TimeSpan.FromMilliseconds(10) || options.SweepInterval > TimeSpan.FromMinutes(10))
        {
            errors.Add(InvalidSetting.Describe("Fleet:SweepInterval", options.SweepInterval, "must be between 00:00:00.010 and 00:10:00"));
        }

        if (options.HistoryPerNode is < 1 or > 10_000)
        {
            errors.Add(InvalidSetting.Describe("Fleet:HistoryPerNode", options.HistoryPerNode, "must be 1–10000"));
        }

        if (options.EventsPerNode is < 1 or > 10_000)
        {
            errors.Add(InvalidSetting.Describe("Fleet:EventsPerNode", options.EventsPerNode, "must be 1–10000"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
