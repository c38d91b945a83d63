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

        if (options.HealthKeptPerNode < 1)
        {
            errors.Add($"Store:HealthKeptPerNode must be at least 1, not {options.HealthKeptPerNode}.");
        }

        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
