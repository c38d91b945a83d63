using System.Security.Claims;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Accounts.Storage;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Web.Localization;

namespace SmartLoudspeaker.Controller.Accounts.Pages;

/// <summary>
/// Everyone's own account (any signed-in person): who I am and my roles; my password (the current one asked, the new
/// one twice; the other sessions end, this one stays); my sessions (this one marked; end one, or all the others); my
/// API tokens (made with roles I hold and an expiry, the secret shown once on the answer; revoked after a second
/// step). Plain forms: nothing here needs a script.
/// </summary>
internal sealed class AccountModel(AccountDirectory accounts, AuditTrail audit, IOptions<AccountsOptions> options, UiText text) : PageModel
{
    /// <summary>The form a refusal belongs to, so it shows beside that form.</summary>
    public const string PasswordForm = "password";

    /// <summary>The token form's name, for its refusals.</summary>
    public const string TokenForm = "token";

    private static readonly string[] Outcomes = ["password", "session", "others", "revoked"];
    private static readonly int[] StandardDays = [30, 90, 180, 365];

    public UserRecord? Me { get; private set; }

    /// <summary>The roles this request holds (a token's may be fewer than its owner's).</summary>
    public IReadOnlyList<string> Roles { get; private set; } = [];

    public string? CurrentSessionId { get; private set; }

    public IReadOnlyList<SessionRecord> Sessions { get; private set; } = [];

    public IReadOnlyList<ApiTokenRecord> Tokens { get; private set; } = [];

    /// <summary>The token just made: its text exists only in this answer.</summary>
    public CreatedApiToken? Created { get; private set; }

    public string? Done { get; private set; }

    public string? Problem { get; private set; }

    /// <summary><see cref="PasswordForm"/>, <see cref="TokenForm"/>, or null for a refusal shown at the top.</summary>
    public string? ProblemForm { get; private set; }

    /// <summary>The token name typed, kept when the form is refused.</summary>
    public string? TypedTokenName { get; private set; }

    public int MinimumPasswordLength => options.Value.MinimumPasswordLength;

    /// <summary>The expiries offered for a new token, in days, none beyond <see cref="AccountsOptions.TokenMaxLifetime"/>.</summary>
    public IReadOnlyList<int> DayChoices
    {
        get
        {
            var max = (int)options.Value.TokenMaxLifetime.TotalDays;
            var fitting = StandardDays.Where(days => days <= max).ToArray();
            return fitting.Length > 0 ? fitting : [max];
        }
    }

    /// <summary>The expiry chosen unless the person picks another.</summary>
    public int DefaultDays => DayChoices.Contains(90) ? 90 : DayChoices[^1];

    public IActionResult OnGet(string? done)
    {
        if (!Load())
        {
            return Forbid();
        }

        if (done is not null && Outcomes.Contains(done))
        {
            Done = text["Account.Done." + done];
        }

        return Page();
    }

    public async Task<IActionResult> OnPostPasswordAsync(string? current, string? password, string? confirm)
    {
        var name = User.Identity!.Name!;
        if (string.IsNullOrEmpty(current) || !accounts.CheckPassword(name, current))
        {
            await OwnAccountAudit.RecordPasswordRefusedAsync(audit, HttpContext, name, "the current password is wrong");
            return Refuse(PasswordForm, text["Account.Problem.WrongCurrent"], StatusCodes.Status400BadRequest);
        }

        if (!string.Equals(password, confirm, StringComparison.Ordinal))
        {
            await OwnAccountAudit.RecordPasswordRefusedAsync(audit, HttpContext, name, "the new password was typed twice differently");
            return Refuse(PasswordForm, text["Account.Problem.Mismatch"], StatusCodes.Status400BadRequest);
        }

        var changed = await accounts.SetPasswordAsync(name, password ?? string.Empty, User.FindFirstValue(AccountClaims.Session));
        await OwnAccountAudit.RecordPasswordChangedAsync(audit, HttpContext, name, changed, "every other session ended");
        return changed.Value is not null
            ? LocalRedirect("/account?done=password")
            : Refuse(PasswordForm, AccountTexts.Problem(text, changed.Reason, MinimumPasswordLength), StatusCodes.Status400BadRequest);
    }

    public async Task<IActionResult> OnPostEndSessionAsync(string? id)
    {
        // This browser's own session ends by signing out, which also clears its cookie.
        var ended = id is not null && id != User.FindFirstValue(AccountClaims.Session) && await accounts.EndSessionAsync(User.Identity!.Name!, id);
        await OwnAccountAudit.RecordSessionEndedAsync(audit, HttpContext, id ?? string.Empty, ended);
        if (!ended)
        {
            return Refuse(null, text["Account.Problem.NoSession"], StatusCodes.Status404NotFound);
        }

        return LocalRedirect("/account?done=session#sessions");
    }

    public async Task<IActionResult> OnPostEndOthersAsync()
    {
        if (User.FindFirstValue(AccountClaims.Session) is not { } current)
        {
            return Refuse(null, text["Account.Problem.NoSession"], StatusCodes.Status400BadRequest);
        }

        await accounts.EndOtherSessionsAsync(User.Identity!.Name!, current);
        await OwnAccountAudit.RecordOtherSessionsEndedAsync(audit, HttpContext);
        return LocalRedirect("/account?done=others#sessions");
    }

    public async Task<IActionResult> OnPostCreateTokenAsync(string? name, string[]? role, int? days)
    {
        TypedTokenName = name;
        var roles = role ?? [];

        // A token holds no more than the request that makes it: the person's roles, or a token's own.
        if (roles.Length == 0 || roles.Any(wanted => !User.IsInRole(wanted)))
        {
            await OwnAccountAudit.RecordTokenRoleNotHeldAsync(audit, HttpContext, name, roles.FirstOrDefault(wanted => !User.IsInRole(wanted)));
            return Refuse(TokenForm, text["Account.Problem.TokenRoles"], StatusCodes.Status400BadRequest);
        }

        var created = await accounts.CreateTokenAsync(User.Identity!.Name!, name, roles, TimeSpan.FromDays(days ?? 0));
        await OwnAccountAudit.RecordTokenCreatedAsync(audit, HttpContext, name, created);
        if (created.Value is not { } token)
        {
            return Refuse(TokenForm, AccountTexts.Problem(text, created.Reason, MinimumPasswordLength, (int)options.Value.TokenMaxLifetime.TotalDays), StatusCodes.Status400BadRequest);
        }

        Load();
        Created = token;
        TypedTokenName = null;

        // The secret is in this answer only: no cache, no back button, may keep it.
        Response.Headers.CacheControl = "no-store";
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeTokenAsync(string? id)
    {
        var revoked = id is not null && await accounts.RevokeTokenAsync(User.Identity!.Name!, id);
        await OwnAccountAudit.RecordTokenRevokedAsync(audit, HttpContext, id ?? string.Empty, revoked);
        if (!revoked)
        {
            return Refuse(null, text["Account.Problem.NoToken"], StatusCodes.Status404NotFound);
        }

        return LocalRedirect("/account?done=revoked#tokens");
    }

    /// <summary>Whether a token is revoked, expired or working now.</summary>
    public static string TokenState(ApiTokenRecord token, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(token);
        return token.RevokedAt is not null ? "revoked" : token.ExpiresAt <= now ? "expired" : "active";
    }

    private PageResult Refuse(string? form, string problem, int status)
    {
        Load();
        (ProblemForm, Problem) = (form, problem);
        Response.StatusCode = status;
        return Page();
    }

    /// <summary>Reads the caller's account; false when it is gone (a token of a deleted account never gets here).</summary>
    private bool Load()
    {
        var name = User.Identity!.Name!;
        Me = accounts.FindUser(name);
        Roles = AccountClaims.Roles(User);
        CurrentSessionId = User.FindFirstValue(AccountClaims.Session);
        Sessions = accounts.SessionsOf(name);
        Tokens = accounts.TokensOf(name);
        return Me is not null;
    }
}
