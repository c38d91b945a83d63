using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Hosting;

namespace SmartLoudspeaker.Controller.Infrastructure.Storage;

/// <summary>Refuses a store configuration that could not work, naming the key to fix.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add(InvalidSetting.Describe("Store:DataDirectory", options.DataDirectory, "must be a folder for the controller's database"));
        }

        if (string.IsNullOrWhiteSpace(options.FileName)
            || options.FileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || options.FileName.Contains(';', StringComparison.Ordinal))
        {
            errors.Add(InvalidSetting.Describe("Store:FileName", options.FileName, "must be a plain file name such as controller.db"));
        }

        if (!Enum.IsDefined(options.Durability))
        {
            errors.Add(InvalidSetting.Describe("Store:Durability", options.Durability, "must be Journal, Checkpoint or Commit"));
        }

        if (options.MaxBatch is < 1 or > 10_000)
        {
            errors.Add(InvalidSetting.Describe("Store:MaxBatch", options.MaxBatch, "must be 1–10000"));
        }

        if (options.JournalCheckpointBytes < 64 * 1024)
        {
            errors.Add(InvalidSetting.Describe("Store:JournalCheckpointBytes", options.JournalCheckpointBytes, "must be at least 65536"));
        }

        if (options.MinimumFreeBytes < 0)
        {
            errors.Add(InvalidSetting.Describe("Store:MinimumFreeBytes", options.MinimumFreeBytes, "must not be negative"));
        }

        if (options.RawHealthRetention < TimeSpan.FromHours(2))
        {
            errors.Add(InvalidSetting.Describe("Store:RawHealthRetention", options.RawHealthRetention, "must be at least 02:00:00 (an hour must be complete before it is aggregated)"));
        }

        if (options.AggregateRetention < options.RawHealthRetention)
        {
            errors.Add(InvalidSetting.Describe(
                "Store:AggregateRetention", options.AggregateRetention, $"must not be shorter than Store:RawHealthRetention ({InvalidSetting.Show(options.RawHealthRetention)})"));
        }

        if (options.CommandRetention < TimeSpan.FromDays(1))
        {
            errors.Add(InvalidSetting.Describe("Store:CommandRetention", options.CommandRetention, "must be at least 1.00:00:00 (a command lives at most a day)"));
        }

        if (options.MaintenanceInterval < TimeSpan.FromSeconds(1) || options.MaintenanceInterval > TimeSpan.FromHours(1))
        {
            errors.Add(InvalidSetting.Describe("Store:MaintenanceInterval", options.MaintenanceInterval, "must be between 00:00:01 and 01:00:00"));
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
