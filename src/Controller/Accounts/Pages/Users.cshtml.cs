using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Accounts.Storage;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Accounts.Pages;

/// <summary>
/// Other people's accounts, for admins: each with its roles and state (disabled, locked until); make an account (its
/// random password shown once), change its roles, give it a new password (shown once), disable or enable it. Changes
/// that cut someone off (disable, a new password) sit behind a second step in a fold, so a slip of the thumb does
/// nothing; the last admin's guard and one's own account are refused with the reason.
/// </summary>
[Authorize(Policy = AccountPolicies.Admin)]
internal sealed class UsersModel(AccountDirectory accounts, AuditTrail audit, IOptions<AccountsOptions> options, UiText text) : PageModel
{
    /// <summary>The new-account form's name, for its refusals.</summary>
    public const string CreateForm = "create";

    private static readonly string[] Outcomes = ["roles", "disabled", "enabled"];

    public IReadOnlyList<UserRecord> Users { get; private set; } = [];

    /// <summary>A password just given out (a new account or a reset): it exists only in this answer.</summary>
    public (UserRecord User, string Password, bool New)? Issued { get; private set; }

    public string? Done { get; private set; }

    public string? Problem { get; private set; }

    /// <summary><see cref="CreateForm"/>, "roles:{name}", or null for a refusal shown at the top.</summary>
    public string? ProblemForm { get; private set; }

    public string? TypedName { get; private set; }

    public string? TypedDisplayName { get; private set; }

    public IReadOnlyList<string> TypedRoles { get; private set; } = [AccountRoles.Viewer];

    /// <summary>The admin looking at the page: their own account cannot be disabled from here.</summary>
    public string Me => User.Identity!.Name!;

    public void OnGet(string? done, string? user)
    {
        Load();
        if (done is not null && Outcomes.Contains(done) && user is not null && accounts.FindUser(user) is { } found)
        {
            Done = text.Format("Users.Done." + done, found.Name);
        }
    }

    public async Task<IActionResult> OnPostCreateAsync(string? name, string? displayName, string[]? role)
    {
        var password = AccountSecrets.NewPassword();
        var created = await accounts.CreateUserAsync(name ?? string.Empty, displayName, password, role ?? []);
        await UserAudit.RecordCreatedAsync(audit, HttpContext, name, created);
        if (created.Value is not { } user)
        {
            (TypedName, TypedDisplayName, TypedRoles) = (name, displayName, role ?? []);
            return Refuse(CreateForm, created.Reason, created.Reason == AccountRefusal.NameTaken ? StatusCodes.Status409Conflict : StatusCodes.Status400BadRequest);
        }

        return ShowPassword(user, password, isNew: true);
    }

    public async Task<IActionResult> OnPostRolesAsync(string? name, string[]? role)
    {
        name ??= string.Empty;
        var before = accounts.FindUser(name)?.Roles;
        var changed = await accounts.SetRolesAsync(name, role ?? []);
        await UserAudit.RecordRolesAsync(audit, HttpContext, name, before, changed);
        return changed.Value is { } user
            ? LocalRedirect($"/users?done=roles&user={user.Name}#user-{user.Name}")
            : Refuse("roles:" + name, changed.Reason, Status(changed.Reason));
    }

    public async Task<IActionResult> OnPostResetAsync(string? name)
    {
        var password = AccountSecrets.NewPassword();
        var changed = await accounts.SetPasswordAsync(name ?? string.Empty, password);
        await UserAudit.RecordPasswordResetAsync(audit, HttpContext, name, changed);
        return changed.Value is { } user ? ShowPassword(user, password, isNew: false) : Refuse(null, changed.Reason, Status(changed.Reason));
    }

    public Task<IActionResult> OnPostDisableAsync(string? name) => SetDisabledAsync(name ?? string.Empty, disabled: true);

    public Task<IActionResult> OnPostEnableAsync(string? name) => SetDisabledAsync(name ?? string.Empty, disabled: false);

    /// <summary>"disabled", "locked" (until a time, shown beside it) or "active".</summary>
    public static string State(UserRecord user, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(user);
        return user.Disabled ? "disabled" : user.LockedUntil > now ? "locked" : "active";
    }

    private static int Status(AccountRefusal reason) => reason switch
    {
        AccountRefusal.NoSuchUser => StatusCodes.Status404NotFound,
        AccountRefusal.LastAdmin or AccountRefusal.OwnAccount or AccountRefusal.NameTaken => StatusCodes.Status409Conflict,
        _ => StatusCodes.Status400BadRequest,
    };

    private async Task<IActionResult> SetDisabledAsync(string name, bool disabled)
    {
        var changed = await accounts.SetDisabledAsync(name, disabled, Me);
        await UserAudit.RecordStateAsync(audit, HttpContext, name, disabled, changed);
        return changed.Value is { } user
            ? LocalRedirect($"/users?done={(disabled ? "disabled" : "enabled")}&user={user.Name}#user-{user.Name}")
            : Refuse(null, changed.Reason, Status(changed.Reason));
    }

    private PageResult ShowPassword(UserRecord user, string password, bool isNew)
    {
        Load();
        Issued = (user, password, isNew);

        // The password is in this answer only: no cache may keep it.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    private PageResult Refuse(string? form, AccountRefusal reason, int status)
    {
        Load();
        (ProblemForm, Problem) = (form, AccountTexts.Problem(text, reason, options.Value.MinimumPasswordLength));
        Response.StatusCode = status;
        return Page();
    }

    private void Load() => Users = accounts.Users;
}
