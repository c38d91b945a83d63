using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using SmartLoudspeaker.Controller.Accounts.Authentication;
using SmartLoudspeaker.Controller.Accounts.Storage;
using SmartLoudspeaker.Controller.Audit;

namespace SmartLoudspeaker.Controller.Accounts.Api;

/// <summary>
/// Everyone's own account (<c>/api/account</c>: who am I, my sessions, my tokens, my password), open to any signed-in
/// person or token, and the admins' accounts of other people (<c>/api/users</c>).
/// </summary>
internal static class AccountEndpoints
{
    public static void MapAccountApi(this IEndpointRouteBuilder endpoints)
    {
        var account = endpoints.MapGroup("/api/account").WithTags("Account").RequireAuthorization();
        account.MapGet("/", GetAccount).WithName("GetAccount").WithSummary("Who is calling, with which roles.");
        account.MapGet("/sessions", ListSessions).WithName("ListSessions").WithSummary("The caller's signed-in sessions.");
        account.MapDelete("/sessions/{id}", EndSession).WithName("EndSession").WithSummary("Ends one of the caller's sessions.");
        account.MapGet("/tokens", ListTokens).WithName("ListApiTokens").WithSummary("The caller's API tokens (never their secrets).");
        account.MapPost("/tokens", CreateToken).WithName("CreateApiToken")
            .WithSummary("Creates an API token with roles the caller holds; its secret is in this answer only.");
        account.MapDelete("/tokens/{id}", RevokeToken).WithName("RevokeApiToken").WithSummary("Revokes one of the caller's API tokens.");
        account.MapPost("/password", ChangePassword).WithName("ChangePassword")
            .WithSummary("Changes the caller's password (the current one is asked); every session of the account ends.");

        var users = endpoints.MapGroup("/api/users").WithTags("Users").RequireAuthorization(AccountPolicies.Admin);
        users.MapGet("/", ListUsers).WithName("ListUsers").WithSummary("Every account (admins).");
        users.MapPost("/", CreateUser).WithName("CreateUser").WithSummary("Creates an account with a random password, shown once (admins).");
        users.MapPost("/{name}/password", ResetPassword).WithName("ResetPassword")
            .WithSummary("Gives an account a new random password, shown once, and ends its sessions (admins).");
        users.MapPut("/{name}/roles", SetRoles).WithName("SetUserRoles")
            .WithSummary("Gives an account exactly these roles; the last active admin keeps the admin role (admins).");
        users.MapPost("/{name}/disable", Disable).WithName("DisableUser")
            .WithSummary("Disables an account: its sessions end at once and its tokens stop working; not one's own, nor the last admin (admins).");
        users.MapPost("/{name}/enable", Enable).WithName("EnableUser").WithSummary("Enables a disabled account again (admins).");
    }

    private static AccountView GetAccount(ClaimsPrincipal user) => new(
        user.Identity!.Name!, user.FindFirstValue(AccountClaims.DisplayName) ?? user.Identity.Name!, AccountClaims.Roles(user),
        user.Identity.AuthenticationType == AccountSchemes.Token ? "token" : "session");

    private static SessionView[] ListSessions(ClaimsPrincipal user, AccountDirectory accounts)
    {
        var current = user.FindFirstValue(AccountClaims.Session);
        return [.. accounts.SessionsOf(user.Identity!.Name!).Select(session =>
            new SessionView(session.Id, session.CreatedAt, session.LastSeenAt, session.ClientAddress, session.Id == current))];
    }

    private static async Task<Results<NoContent, NotFound>> EndSession(string id, HttpContext context, AccountDirectory accounts, AuditTrail audit)
    {
        var ended = await accounts.EndSessionAsync(context.User.Identity!.Name!, id);
        await OwnAccountAudit.RecordSessionEndedAsync(audit, context, id, ended);
        return ended ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static TokenView[] ListTokens(ClaimsPrincipal user, AccountDirectory accounts) =>
        [.. accounts.TokensOf(user.Identity!.Name!).Select(View)];

    private static async Task<Results<Created<CreatedTokenView>, ProblemHttpResult>> CreateToken(
        CreateTokenRequest request, HttpContext context, AccountDirectory accounts, AuditTrail audit)
    {
        // A token may not hold more than the request that makes it: a person's roles, or a token's own.
        var user = context.User;
        var roles = request.Roles ?? [];
        if (roles.FirstOrDefault(role => !user.IsInRole(role)) is { } notHeld)
        {
            await OwnAccountAudit.RecordTokenRoleNotHeldAsync(audit, context, request.Name, notHeld);
            return TypedResults.Problem($"The caller does not hold the role '{notHeld}'.", statusCode: StatusCodes.Status400BadRequest);
        }

        var created = await accounts.CreateTokenAsync(user.Identity!.Name!, request.Name, roles, TimeSpan.FromDays(request.Days));
        await OwnAccountAudit.RecordTokenCreatedAsync(audit, context, request.Name, created);
        return created.Value is { } token
            ? TypedResults.Created($"/api/account/tokens/{token.Record.Id}", new CreatedTokenView(View(token.Record), token.Token))
            : TypedResults.Problem(created.Problem, statusCode: StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<NoContent, NotFound>> RevokeToken(string id, HttpContext context, AccountDirectory accounts, AuditTrail audit)
    {
        var revoked = await accounts.RevokeTokenAsync(context.User.Identity!.Name!, id);
        await OwnAccountAudit.RecordTokenRevokedAsync(audit, context, id, revoked);
        return revoked ? TypedResults.NoContent() : TypedResults.NotFound();
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> ChangePassword(
        ChangePasswordRequest request, HttpContext context, AccountDirectory accounts, AuditTrail audit)
    {
        var name = context.User.Identity!.Name!;
        if (request.Current is null || !accounts.CheckPassword(name, request.Current))
        {
            await OwnAccountAudit.RecordPasswordRefusedAsync(audit, context, name, "the current password is wrong");
            return TypedResults.Problem("The current password is wrong.", statusCode: StatusCodes.Status400BadRequest);
        }

        var changed = await accounts.SetPasswordAsync(name, request.New ?? string.Empty);
        await OwnAccountAudit.RecordPasswordChangedAsync(audit, context, name, changed, "every session ended");
        return changed.Value is not null ? TypedResults.NoContent() : TypedResults.Problem(changed.Problem, statusCode: StatusCodes.Status400BadRequest);
    }

    private static UserView[] ListUsers(AccountDirectory accounts) => [.. accounts.Users.Select(View)];

    private static async Task<Results<Created<IssuedPasswordView>, ProblemHttpResult>> CreateUser(
        CreateUserRequest request, AccountDirectory accounts, AuditTrail audit, HttpContext context)
    {
        var password = AccountSecrets.NewPassword();
        var created = await accounts.CreateUserAsync(request.Name ?? string.Empty, request.DisplayName, password, request.Roles ?? []);
        await UserAudit.RecordCreatedAsync(audit, context, request.Name, created);
        return created.Value is { } user
            ? TypedResults.Created($"/api/users/{user.Name}", new IssuedPasswordView(View(user), password))
            : TypedResults.Problem(created.Problem, statusCode: StatusCodes.Status400BadRequest);
    }

    private static async Task<Results<Ok<IssuedPasswordView>, NotFound>> ResetPassword(string name, AccountDirectory accounts, AuditTrail audit, HttpContext context)
    {
        var password = AccountSecrets.NewPassword();
        var changed = await accounts.SetPasswordAsync(name, password);
        await UserAudit.RecordPasswordResetAsync(audit, context, name, changed);
        return changed.Value is { } user ? TypedResults.Ok(new IssuedPasswordView(View(user), password)) : TypedResults.NotFound();
    }

    private static async Task<Results<Ok<UserView>, NotFound, ProblemHttpResult>> SetRoles(
        string name, SetRolesRequest request, HttpContext context, AccountDirectory accounts, AuditTrail audit)
    {
        var before = accounts.FindUser(name)?.Roles;
        var changed = await accounts.SetRolesAsync(name, request.Roles ?? []);
        await UserAudit.RecordRolesAsync(audit, context, name, before, changed);
        return Answer(changed);
    }

    private static async Task<Results<Ok<UserView>, NotFound, ProblemHttpResult>> Disable(
        string name, HttpContext context, AccountDirectory accounts, AuditTrail audit) =>
        await SetDisabled(name, true, context, accounts, audit);

    private static async Task<Results<Ok<UserView>, NotFound, ProblemHttpResult>> Enable(
        string name, HttpContext context, AccountDirectory accounts, AuditTrail audit) =>
        await SetDisabled(name, false, context, accounts, audit);

    private static async Task<Results<Ok<UserView>, NotFound, ProblemHttpResult>> SetDisabled(
        string name, bool disabled, HttpContext context, AccountDirectory accounts, AuditTrail audit)
    {
        var changed = await accounts.SetDisabledAsync(name, disabled, context.User.Identity!.Name!);
        await UserAudit.RecordStateAsync(audit, context, name, disabled, changed);
        return Answer(changed);
    }

    /// <summary>An admin's change to an account: 404 for no such account, 409 for a guard (last admin, one's own), else 400.</summary>
    private static Results<Ok<UserView>, NotFound, ProblemHttpResult> Answer(AccountChange<UserRecord> changed) => changed switch
    {
        { Value: { } user } => TypedResults.Ok(View(user)),
        { Reason: AccountRefusal.NoSuchUser } => TypedResults.NotFound(),
        { Reason: AccountRefusal.LastAdmin or AccountRefusal.OwnAccount } => TypedResults.Problem(changed.Problem, statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Problem(changed.Problem, statusCode: StatusCodes.Status400BadRequest),
    };

    private static TokenView View(ApiTokenRecord token) => new(token.Id, token.Name, token.Roles, token.CreatedAt, token.ExpiresAt, token.RevokedAt);

    private static UserView View(UserRecord user) => new(user.Name, user.DisplayName, user.Roles, user.Disabled, user.LockedUntil, user.CreatedAt);
}
