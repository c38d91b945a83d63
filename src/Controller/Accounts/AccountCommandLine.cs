using System.Globalization;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Commune;
using SmartLoudspeaker.Controller.Hosting;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Web;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// The <c>accounts</c> verbs of the Controller executable, run on the Controller's own machine instead of the web host:
/// <c>accounts add-admin NAME</c> makes the first admin with a random password printed once (there is never a default
/// password), <c>accounts reset-password USER</c> gives an account a new one, <c>accounts add-token USER --roles …
/// --days N</c> makes an API token printed once. They open the store
/// itself, so they work only where the store is, and refuse while a running Controller holds it.
/// </summary>
internal static class AccountCommandLine
{
    public const int UsageError = 2;
    public const int Failure = 1;

    /// <summary>Where the audit log says a change made here came from.</summary>
    private const string ConsoleSource = "command line";

    private const string Usage = """
        Usage (on the Controller's machine, as the user the Controller runs as, while the Controller is stopped):
          SmartLoudspeaker.Controller accounts add-admin NAME [--display "FULL NAME"] [--roles ROLE,...] [SETTINGS]
              Creates an admin account with a random password, printed once. It holds the role admin and the
              listed ones (default: technician).
          SmartLoudspeaker.Controller accounts reset-password USER [SETTINGS]
              Gives USER a new random password, printed once, unlocks the account and ends its sessions (for an
              admin who lost theirs: whoever may run this on the Controller's machine may read its store anyway).
          SmartLoudspeaker.Controller accounts add-token USER --roles ROLE,... --days N [--name LABEL] [SETTINGS]
              Creates an API token for USER with roles USER holds, valid N days, printed once. Scripts send it as
              "Authorization: Bearer sl_...".
          SETTINGS are the Controller's own, e.g. --Store:DataDirectory=/var/lib/smartloudspeaker (the same store
          as the Controller's). Roles: admin, broadcaster, approver, emergency, technician, viewer.
        """;

    public static bool Handles(string[] args) => args is ["accounts", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        if (args.Length >= 2 && args[1] is "--help" or "-h" or "help")
        {
            await output.WriteLineAsync(Usage);
            return 0;
        }

        if (args.Length < 3 || args[1] is not ("add-admin" or "add-token" or "reset-password"))
        {
            await error.WriteLineAsync(Usage);
            return UsageError;
        }

        if (!TryParse(args.AsSpan(3), out var options, out var settings, out var problem))
        {
            await error.WriteLineAsync($"accounts {args[1]}: {problem}");
            return UsageError;
        }

        // The Controller's own composition, so the store opens with every feature's collections (its journal may hold
        // any feature's writes); only the store and the accounts are resolved, nothing is started.
        var builder = WebApplication.CreateBuilder(settings);
        builder.Logging.ClearProviders();
        builder.AddSmartLoudspeakerController();
        builder.AddControllerSecurity();
        builder.AddControllerCommands();
        builder.AddSmartLoudspeakerWeb();
        builder.AddControllerAccounts();
        builder.AddCommuneSettings();
        await using var app = builder.Build();
        try
        {
            var accounts = app.Services.GetRequiredService<AccountDirectory>();
            var audit = app.Services.GetRequiredService<AuditTrail>();
            return args[1] switch
            {
                "add-admin" => await AddAdminAsync(accounts, audit, args[2], options, output, error),
                "reset-password" => await ResetPasswordAsync(accounts, audit, args[2], output, error),
                _ => await AddTokenAsync(accounts, audit, args[2], options, output, error),
            };
        }
        catch (Exception exception) when (StoreRefusal(exception) is { } refusal)
        {
            await error.WriteLineAsync($"accounts {args[1]}: {refusal.Message}");
            return Failure;
        }
    }

    /// <summary>
    /// Who ran the command, as the audit log names them: the machine's user (only someone on the Controller's own
    /// machine, with access to its store, can run it).
    /// </summary>
    private static string ConsoleActor => "console:" + Environment.UserName;

    private static async Task<int> AddAdminAsync(AccountDirectory accounts, AuditTrail audit, string name, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        string? unknown = null;
        var extra = options.TryGetValue("--roles", out var list) ? AccountRoles.Parse(list, out unknown) : [AccountRoles.Technician];
        if (extra is null)
        {
            await error.WriteLineAsync($"accounts add-admin: '{unknown}' is not a role ({string.Join(", ", AccountRoles.All)}).");
            return UsageError;
        }

        var password = AccountSecrets.NewPassword();
        var created = await accounts.CreateUserAsync(name, options.GetValueOrDefault("--display"), password, [AccountRoles.Admin, .. extra]);
        await audit.RecordAsync(ConsoleActor, ConsoleSource, AuditActions.UserCreated, created.Value is null ? AuditOutcome.Refused : AuditOutcome.Succeeded,
            created.Value?.Name ?? AuditTrail.Typed(name), created.Value is { } made ? "roles " + string.Join(", ", made.Roles) : created.Problem);
        if (created.Value is not { } user)
        {
            await error.WriteLineAsync($"accounts add-admin: {created.Problem}");
            return Failure;
        }

        await output.WriteLineAsync($"Created the account '{user.Name}' with the roles {string.Join(", ", user.Roles)}.");
        await output.WriteLineAsync($"Password (shown this once; change it after signing in): {password}");
        return 0;
    }

    private static async Task<int> ResetPasswordAsync(AccountDirectory accounts, AuditTrail audit, string name, TextWriter output, TextWriter error)
    {
        var password = AccountSecrets.NewPassword();
        var changed = await accounts.SetPasswordAsync(name, password);
        await audit.RecordAsync(ConsoleActor, ConsoleSource, AuditActions.PasswordReset, changed.Value is null ? AuditOutcome.Refused : AuditOutcome.Succeeded,
            changed.Value?.Name ?? AuditTrail.Typed(name), changed.Problem ?? "every session ended");
        if (changed.Value is not { } user)
        {
            await error.WriteLineAsync($"accounts reset-password: {changed.Problem}");
            return Failure;
        }

        await output.WriteLineAsync($"New password of '{user.Name}' (shown this once; its sessions have ended): {password}");
        return 0;
    }

    private static async Task<int> AddTokenAsync(AccountDirectory accounts, AuditTrail audit, string owner, Dictionary<string, string> options, TextWriter output, TextWriter error)
    {
        string? unknown = null;
        if (!options.TryGetValue("--roles", out var list) || AccountRoles.Parse(list, out unknown) is not { } roles)
        {
            await error.WriteLineAsync(options.ContainsKey("--roles") ? $"accounts add-token: '{unknown}' is not a role." : "accounts add-token: --roles is required.");
            return UsageError;
        }

        if (!options.TryGetValue("--days", out var daysText) || !int.TryParse(daysText, NumberStyles.None, CultureInfo.InvariantCulture, out var days))
        {
            await error.WriteLineAsync("accounts add-token: --days N (a whole number of days) is required.");
            return UsageError;
        }

        var created = await accounts.CreateTokenAsync(owner, options.GetValueOrDefault("--name"), roles, TimeSpan.FromDays(days));
        await audit.RecordAsync(ConsoleActor, ConsoleSource, AuditActions.TokenCreated, created.Value is null ? AuditOutcome.Refused : AuditOutcome.Succeeded,
            created.Value?.Record.Id ?? AuditTrail.Typed(owner),
            created.Value is { Record: var made } ? $"{made.Name} for {made.Owner}; roles {string.Join(",", made.Roles)}; expires {made.ExpiresAt:O}" : created.Problem);
        if (created.Value is not { } token)
        {
            await error.WriteLineAsync($"accounts add-token: {created.Problem}");
            return Failure;
        }

        await output.WriteLineAsync(
            $"Created the API token {token.Record.Id} for '{token.Record.Owner}' with the roles {string.Join(", ", token.Record.Roles)}, valid until {token.Record.ExpiresAt:yyyy-MM-dd HH:mm} UTC.");
        await output.WriteLineAsync($"Token (shown this once): {token.Token}");
        return 0;
    }

    /// <summary>This verb's options (<c>--roles</c>, <c>--days</c>, <c>--name</c>, <c>--display</c>, each with a value); the rest are the Controller's settings.</summary>
    private static bool TryParse(ReadOnlySpan<string> args, out Dictionary<string, string> options, out string[] settings, out string? problem)
    {
        options = new Dictionary<string, string>(StringComparer.Ordinal);
        var rest = new List<string>();
        problem = null;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] is "--roles" or "--days" or "--name" or "--display")
            {
                if (i + 1 >= args.Length)
                {
                    problem = $"{args[i]} needs a value.";
                    settings = [];
                    return false;
                }

                options[args[i]] = args[++i];
            }
            else
            {
                rest.Add(args[i]);
            }
        }

        settings = [.. rest];
        return true;
    }

    private static Exception? StoreRefusal(Exception? exception) => exception switch
    {
        null => null,
        StoreSchemaTooNewException or StoreInUseException or StoreAccessDeniedException => exception,
        _ => StoreRefusal(exception.InnerException),
    };
}
