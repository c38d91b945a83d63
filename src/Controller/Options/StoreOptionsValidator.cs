using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Options;

/// <summary>Refuses a store configuration that could not work, naming the key to fix.</summary>
internal sealed class StoreOptionsValidator : IValidateOptions<StoreOptions>
{
    public ValidateOptionsResult Validate(string? name, StoreOptions options)
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(options.DataDirectory))
        {
            errors.Add("Store:DataDirectory is required (a folder for the controller's database).");
        }

        if (string.IsNullOrWhiteSpace(options.FileName)
            || options.FileName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0
            || options.FileName.Contains(';', StringComparison.Ordinal))
        {
            errors.Add($"Store:FileName must be a plain file name such as controller.db, not '{options.FileName}'.");
        }

        if (!Enum.IsDefined(options.Durability))
        {
            errors.Add($"Store:Durability must be Journal, Checkpoint or Commit, not '{options.Durability}'.");
        }

        if (options.MaxBatch is < 1 or > 10_000)
        {
            errors.Add($"Store:MaxBatch must be between 1 and 10000, not {options.MaxBatch}.");
        }

        if (options.JournalCheckpointBytes < 64 * 1024)
        {
            errors.Add($"Store:JournalCheckpointBytes must be at least 65536, not {options.JournalCheckpointBytes}.");
        }

        if (options.MinimumFreeBytes < 0)
        {
            errors.Add($"Store:MinimumFreeBytes must not be negative, not {options.MinimumFreeBytes}.");
        }

        if (options.RawHealthRetention < TimeSpan.FromHours(2))
        {
            errors.Add($"Store:RawHealthRetention must be at least 02:00:00 (an hour must be complete before it is aggregated), not {options.RawHealthRetention}.");
        }

        if (options.AggregateRetention < options.RawHealthRetention)
        {
            errors.Add($"Store:AggregateRetention ({options.AggregateRetention}) must not be shorter than Store:RawHealthRetention ({options.RawHealthRetention}).");
        }

        if (options.CommandRetention < TimeSpan.FromDays(1))
        {
            errors.Add($"Store:CommandRetention must be at least 1.00:00:00 (a command lives at most a day), not {options.CommandRetention}.");
        }

        if (options.MaintenanceInterval < TimeSpan.FromSeconds(1) || options.MaintenanceInterval > TimeSpan.FromHours(1))
        {
            errors.Add($"Store:MaintenanceInterval must be between 00:00:01 and 01:00:00, not {options.MaintenanceInterval}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
