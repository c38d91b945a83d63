namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>Configuration section "Accounts": sessions, lockout, the sign-in limits, passwords and token lifetimes.</summary>
public sealed class AccountsOptions
{
    /// <summary>Configuration section name.</summary>
    public const string SectionName = "Accounts";

    /// <summary>A session unused this long ends (sliding expiry: every request pushes it back).</summary>
    public TimeSpan SessionIdleTimeout { get; set; } = TimeSpan.FromHours(8);

    /// <summary>A session ends this long after its sign-in however busy it is, so a stolen cookie does not live forever.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Failed sign-ins in a row that lock an account.</summary>
    public int LockoutThreshold { get; set; } = 5;

    /// <summary>How long a locked account refuses every sign-in, the right password included.</summary>
    public TimeSpan LockoutDuration { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Sign-in attempts one client address may make per <see cref="SignInWindow"/>; more are answered 429.</summary>
    public int SignInAttemptsPerWindow { get; set; } = 10;

    /// <summary>The window of <see cref="SignInAttemptsPerWindow"/>.</summary>
    public TimeSpan SignInWindow { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Largest sign-in body accepted (a name, a password and the antiforgery token fit in far less).</summary>
    public int SignInMaxBodyBytes { get; set; } = 4096;

    /// <summary>
    /// Shortest password a person may choose (the random ones the Controller gives out are 20 characters, so it is at
    /// most that).
    /// </summary>
    public int MinimumPasswordLength { get; set; } = 10;

    /// <summary>Longest life an API token may be given.</summary>
    public TimeSpan TokenMaxLifetime { get; set; } = TimeSpan.FromDays(366);
}
