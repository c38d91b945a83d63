using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>Refuses account settings that would make sign-in unsafe or unusable, at start.</summary>
internal sealed class AccountsOptionsValidator : IValidateOptions<AccountsOptions>
{
    public ValidateOptionsResult Validate(string? name, AccountsOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        if (options.SessionIdleTimeout < TimeSpan.FromMinutes(1) || options.SessionIdleTimeout > TimeSpan.FromDays(30))
        {
            failures.Add($"Accounts:SessionIdleTimeout must be between 00:01:00 and 30.00:00:00 (was {options.SessionIdleTimeout}).");
        }

        if (options.SessionLifetime < options.SessionIdleTimeout || options.SessionLifetime > TimeSpan.FromDays(90))
        {
            failures.Add($"Accounts:SessionLifetime must be at least Accounts:SessionIdleTimeout and at most 90.00:00:00 (was {options.SessionLifetime}).");
        }

        if (options.LockoutThreshold is < 1 or > 100)
        {
            failures.Add($"Accounts:LockoutThreshold must be between 1 and 100 (was {options.LockoutThreshold}).");
        }

        if (options.LockoutDuration < TimeSpan.FromMinutes(1) || options.LockoutDuration > TimeSpan.FromDays(1))
        {
            failures.Add($"Accounts:LockoutDuration must be between 00:01:00 and 1.00:00:00 (was {options.LockoutDuration}).");
        }

        if (options.SignInAttemptsPerWindow is < 1 or > 1000)
        {
            failures.Add($"Accounts:SignInAttemptsPerWindow must be between 1 and 1000 (was {options.SignInAttemptsPerWindow}).");
        }

        if (options.SignInWindow < TimeSpan.FromSeconds(1) || options.SignInWindow > TimeSpan.FromHours(1))
        {
            failures.Add($"Accounts:SignInWindow must be between 00:00:01 and 01:00:00 (was {options.SignInWindow}).");
        }

        if (options.SignInMaxBodyBytes is < 512 or > 65536)
        {
            failures.Add($"Accounts:SignInMaxBodyBytes must be between 512 and 65536 (was {options.SignInMaxBodyBytes}).");
        }

        if (options.MinimumPasswordLength is < 8 or > 20)
        {
            failures.Add($"Accounts:MinimumPasswordLength must be between 8 and 20 (was {options.MinimumPasswordLength}).");
        }

        if (options.TokenMaxLifetime < TimeSpan.FromDays(1) || options.TokenMaxLifetime > TimeSpan.FromDays(3660))
        {
            failures.Add($"Accounts:TokenMaxLifetime must be between 1.00:00:00 and 3660.00:00:00 (was {options.TokenMaxLifetime}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
