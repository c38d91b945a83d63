using System.Security.Claims;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Accounts.Storage;

namespace SmartLoudspeaker.Controller.Accounts;

/// <summary>
/// Every account, session and API token, in memory over the store (read whole at first use), under one lock. Writes
/// are queued to the store inside the lock, so they land in the order they were decided, and awaited outside it: a
/// caller learns of a change only once it is durable. Passwords are hashed with ASP.NET Core Identity's
/// <see cref="PasswordHasher{TUser}"/>; session and token secrets are random and kept as SHA-256.
/// </summary>
internal sealed partial class AccountDirectory
{
    private readonly IAccountStore _store;
    private readonly AccountsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AccountDirectory> _logger;
    private readonly PasswordHasher<UserRecord> _hasher = new();
    private readonly Lock _lock = new();
    private readonly Dictionary<string, UserRecord> _users = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SessionRecord> _sessionsBySecret = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSeen = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ApiTokenRecord> _tokensBySecret = new(StringComparer.Ordinal);
    private readonly Lazy<string> _decoyHash;
    private bool _loaded;

    public AccountDirectory(IAccountStore store, IOptions<AccountsOptions> options, TimeProvider time, ILogger<AccountDirectory> logger)
    {
        _store = store;
        _options = options.Value;
        _time = time;
        _logger = logger;

        // An unknown name costs the same hashing as a known one, so timing tells no one which names exist.
        _decoyHash = new(() => _hasher.HashPassword(Decoy, AccountSecrets.NewPassword()));
    }

    private static UserRecord Decoy { get; } = new("-", "-", string.Empty, [], true, 0, null, default, default);

    public IReadOnlyList<UserRecord> Users
    {
        get
        {
            lock (_lock)
            {
                EnsureLoaded();
                return [.. _users.Values.OrderBy(user => user.Name, StringComparer.Ordinal)];
            }
        }
    }

    public UserRecord? FindUser(string name)
    {
        lock (_lock)
        {
            EnsureLoaded();
            return _users.GetValueOrDefault(NormalizeName(name));
        }
    }

    /// <summary>Makes an account; refused when the name is taken or invalid, the password too short or a role unknown.</summary>
    public async Task<AccountChange<UserRecord>> CreateUserAsync(string name, string? displayName, string password, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(password);
        ArgumentNullException.ThrowIfNull(roles);
        name = NormalizeName(name);
        if (!NamePattern().IsMatch(name))
        {
            return AccountChange<UserRecord>.Refused(AccountRefusal.InvalidName, "A user name is 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit.");
        }

        if (PasswordProblem(password) is { } tooShort)
        {
            return tooShort;
        }

        if (RoleProblem(roles) is { } unknownRole)
        {
            return unknownRole;
        }

        var now = _time.GetUtcNow();
        var user = new UserRecord(name, string.IsNullOrWhiteSpace(displayName) ? name : displayName.Trim(), string.Empty, AccountRoles.Normalize(roles), false, 0, null, now, now);
        user = user with { PasswordHash = _hasher.HashPassword(user, password) };
        Task saved;
        lock (_lock)
        {
            EnsureLoaded();
            if (_users.ContainsKey(name))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.NameTaken, $"The user '{name}' exists already.");
            }

            _users[name] = user;
            saved = _store.SaveAsync(user);
        }

        await saved;
        _logger.LogInformation("Account {User} created with roles {Roles}", name, string.Join(",", user.Roles));
        return AccountChange<UserRecord>.Done(user);
    }

    /// <summary>Checks a name and password, counting failures towards a lockout; a success starts a session.</summary>
    public async Task<SignInAttempt> SignInAsync(string? name, string? password, string? clientAddress)
    {
        var found = FindUser(name ?? string.Empty);
        var now = _time.GetUtcNow();
        if (found is null || string.IsNullOrEmpty(password))
        {
            _hasher.VerifyHashedPassword(Decoy, _decoyHash.Value, password ?? string.Empty);
            _logger.LogWarning("Sign-in refused for {User} from {Client}: unknown name or empty password", Printable(name), clientAddress);
            return new SignInAttempt(SignInOutcome.WrongNameOrPassword, null, found is null ? "unknown name" : "empty password");
        }

        if (found.LockedUntil is { } lockedUntil && lockedUntil > now)
        {
            _logger.LogWarning("Sign-in refused for {User} from {Client}: locked until {Until:O}", found.Name, clientAddress, lockedUntil);
            return new SignInAttempt(SignInOutcome.Locked, null, $"locked until {lockedUntil:O}");
        }

        var verdict = _hasher.VerifyHashedPassword(found, found.PasswordHash, password);
        if (found.Disabled)
        {
            _logger.LogWarning("Sign-in refused for {User} from {Client}: the account is disabled", found.Name, clientAddress);
            return new SignInAttempt(SignInOutcome.Disabled, null, "disabled account");
        }

        Task saved;
        SignInAttempt attempt;
        lock (_lock)
        {
            var user = _users[found.Name];
            if (verdict == PasswordVerificationResult.Failed)
            {
                var failures = user.FailedAttempts + 1;
                var locks = failures >= _options.LockoutThreshold;
                user = user with { FailedAttempts = locks ? 0 : failures, LockedUntil = locks ? now + _options.LockoutDuration : user.LockedUntil };
                attempt = locks
                    ? new SignInAttempt(SignInOutcome.Locked, null, $"wrong password ({failures} in a row); locked for {_options.LockoutDuration}", LockoutReached: true)
                    : new SignInAttempt(SignInOutcome.WrongNameOrPassword, null, $"wrong password ({failures} of {_options.LockoutThreshold})");
                _users[user.Name] = user;
                saved = _store.SaveAsync(user);
            }
            else
            {
                if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
                {
                    user = user with { PasswordHash = _hasher.HashPassword(user, password) };
                }

                user = user with { FailedAttempts = 0, LockedUntil = null };
                _users[user.Name] = user;
                var secret = AccountSecrets.NewSessionSecret();
                var session = new SessionRecord(AccountSecrets.NewId(), AccountSecrets.Hash(secret), user.Name, now, now, clientAddress);
                _sessionsBySecret[session.SecretHash] = session;
                _lastSeen[session.Id] = now;
                saved = Task.WhenAll(_store.SaveAsync(user), _store.SaveAsync(session));
                attempt = new SignInAttempt(SignInOutcome.SignedIn, secret);
            }
        }

        await saved;
        if (attempt.Outcome == SignInOutcome.SignedIn)
        {
            _logger.LogInformation("{User} signed in from {Client}", found.Name, clientAddress);
        }
        else
        {
            _logger.LogWarning("Sign-in refused for {User} from {Client}: wrong password{Locked}", found.Name, clientAddress,
                attempt.Outcome == SignInOutcome.Locked ? $"; locked for {_options.LockoutDuration}" : string.Empty);
        }

        return attempt;
    }

    /// <summary>
    /// The principal of a session cookie's secret, its expiry pushed back; null (and the session ended) when it has
    /// expired, was ended, or its account is gone or disabled.
    /// </summary>
    public async Task<ClaimsPrincipal?> ResumeSessionAsync(string secret, string scheme)
    {
        var now = _time.GetUtcNow();
        Task? written = null;
        ClaimsPrincipal? principal = null;
        lock (_lock)
        {
            EnsureLoaded();
            if (!_sessionsBySecret.TryGetValue(AccountSecrets.Hash(secret), out var session))
            {
                return null;
            }

            var user = _users.GetValueOrDefault(session.UserName);
            var seen = _lastSeen.GetValueOrDefault(session.Id, session.LastSeenAt);
            if (user is null || user.Disabled || now - seen > _options.SessionIdleTimeout || now - session.CreatedAt > _options.SessionLifetime)
            {
                written = EndLocked(session);
            }
            else
            {
                _lastSeen[session.Id] = now;

                // Every request slides the expiry in memory; the store hears of it now and then, so that a restart
                // keeps the session without a write per request.
                if (now - session.LastSeenAt > _options.SessionIdleTimeout / 16)
                {
                    session = session with { LastSeenAt = now };
                    _sessionsBySecret[session.SecretHash] = session;
                    written = _store.SaveAsync(session);
                }

                principal = AccountClaims.Principal(user, user.Roles, scheme, AccountClaims.Session, session.Id);
            }
        }

        if (written is not null)
        {
            try
            {
                await written;
            }
            catch (Exception exception) when (exception is IOException or LiteDB.LiteException or InvalidOperationException)
            {
                // A session's last-seen time is a convenience: a store that fails now must not sign people out.
                _logger.LogWarning("Could not store a session's last use: {Message}", exception.Message);
            }
        }

        return principal;
    }

    /// <summary>The sessions of <paramref name="userName"/>, with when each was last used.</summary>
    public IReadOnlyList<SessionRecord> SessionsOf(string userName)
    {
        lock (_lock)
        {
            EnsureLoaded();
            return [.. _sessionsBySecret.Values
                .Where(session => session.UserName == userName)
                .Select(session => session with { LastSeenAt = _lastSeen.GetValueOrDefault(session.Id, session.LastSeenAt) })
                .OrderByDescending(session => session.LastSeenAt)];
        }
    }

    /// <summary>Ends one of <paramref name="userName"/>'s sessions; false when it has no such session.</summary>
    public async Task<bool> EndSessionAsync(string userName, string sessionId)
    {
        Task ended;
        lock (_lock)
        {
            EnsureLoaded();
            var session = _sessionsBySecret.Values.FirstOrDefault(candidate => candidate.Id == sessionId && candidate.UserName == userName);
            if (session is null)
            {
                return false;
            }

            ended = EndLocked(session);
        }

        await ended;
        _logger.LogInformation("Session {Session} of {User} ended", sessionId, userName);
        return true;
    }

    /// <summary>Makes an API token for <paramref name="ownerName"/> with roles it holds, for <paramref name="lifetime"/>.</summary>
    public async Task<AccountChange<CreatedApiToken>> CreateTokenAsync(string ownerName, string? name, IReadOnlyList<string> roles, TimeSpan lifetime)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (lifetime < TimeSpan.FromDays(1) || lifetime > _options.TokenMaxLifetime)
        {
            return AccountChange<CreatedApiToken>.Refused(AccountRefusal.TokenLifetime, $"A token lives from 1 to {(int)_options.TokenMaxLifetime.TotalDays} days.");
        }

        if (roles.Count == 0)
        {
            return AccountChange<CreatedApiToken>.Refused(AccountRefusal.TokenWithoutRole, "A token needs at least one role.");
        }

        var text = AccountSecrets.NewToken();
        var now = _time.GetUtcNow();
        CreatedApiToken created;
        Task saved;
        lock (_lock)
        {
            EnsureLoaded();
            if (!_users.TryGetValue(NormalizeName(ownerName), out var owner) || owner.Disabled)
            {
                return AccountChange<CreatedApiToken>.Refused(AccountRefusal.NoSuchUser, $"There is no active user '{ownerName}'.");
            }

            if (roles.FirstOrDefault(role => !owner.Roles.Contains(role, StringComparer.Ordinal)) is { } notHeld)
            {
                return AccountChange<CreatedApiToken>.Refused(AccountRefusal.RoleNotHeld, $"'{owner.Name}' does not hold the role '{notHeld}': a token holds only roles of its owner.");
            }

            var record = new ApiTokenRecord(
                AccountSecrets.NewId(), AccountSecrets.Hash(text), owner.Name, string.IsNullOrWhiteSpace(name) ? "token" : name.Trim(),
                AccountRoles.Normalize(roles), now, now + lifetime, null);
            _tokensBySecret[record.SecretHash] = record;
            saved = _store.SaveAsync(record);
            created = new CreatedApiToken(record, text);
        }

        await saved;
        _logger.LogInformation("API token {Token} ({Name}) created for {User} with roles {Roles}, expiring {Expiry:O}",
            created.Record.Id, created.Record.Name, created.Record.Owner, string.Join(",", created.Record.Roles), created.Record.ExpiresAt);
        return AccountChange<CreatedApiToken>.Done(created);
    }

    /// <summary>
    /// The principal of an API token's text: its roles, less any its owner no longer holds. Null when the token is
    /// unknown, revoked or expired, or its owner is gone or disabled.
    /// </summary>
    public ClaimsPrincipal? AuthenticateToken(string text, string scheme, out string? refusal)
    {
        ArgumentNullException.ThrowIfNull(text);
        var now = _time.GetUtcNow();
        lock (_lock)
        {
            EnsureLoaded();
            if (!text.StartsWith(AccountSecrets.TokenPrefix, StringComparison.Ordinal) || !_tokensBySecret.TryGetValue(AccountSecrets.Hash(text), out var token))
            {
                refusal = "unknown token";
                return null;
            }

            var owner = _users.GetValueOrDefault(token.Owner);
            refusal = token.RevokedAt is not null ? $"token {token.Id} is revoked"
                : now >= token.ExpiresAt ? $"token {token.Id} expired at {token.ExpiresAt:O}"
                : owner is null || owner.Disabled ? $"the owner of token {token.Id} is disabled or gone"
                : null;
            return refusal is null
                ? AccountClaims.Principal(owner!, token.Roles.Where(role => owner!.Roles.Contains(role, StringComparer.Ordinal)), scheme, AccountClaims.Token, token.Id)
                : null;
        }
    }

    /// <summary>The tokens of <paramref name="ownerName"/>, revoked and expired ones included, newest first.</summary>
    public IReadOnlyList<ApiTokenRecord> TokensOf(string ownerName)
    {
        lock (_lock)
        {
            EnsureLoaded();
            return [.. _tokensBySecret.Values.Where(token => token.Owner == ownerName).OrderByDescending(token => token.CreatedAt)];
        }
    }

    /// <summary>Revokes one of <paramref name="ownerName"/>'s tokens; false when it has no such token or it is revoked already.</summary>
    public async Task<bool> RevokeTokenAsync(string ownerName, string tokenId)
    {
        Task saved;
        lock (_lock)
        {
            EnsureLoaded();
            var token = _tokensBySecret.Values.FirstOrDefault(candidate => candidate.Id == tokenId && candidate.Owner == ownerName && candidate.RevokedAt is null);
            if (token is null)
            {
                return false;
            }

            token = token with { RevokedAt = _time.GetUtcNow() };
            _tokensBySecret[token.SecretHash] = token;
            saved = _store.SaveAsync(token);
        }

        await saved;
        _logger.LogInformation("API token {Token} of {User} revoked", tokenId, ownerName);
        return true;
    }

    /// <summary>
    /// Changes a password (the person's own, or an admin's reset) and ends every session of the account but
    /// <paramref name="keepSessionId"/> (the one a person changed their own password in, who stays signed in there).
    /// </summary>
    public async Task<AccountChange<UserRecord>> SetPasswordAsync(string userName, string password, string? keepSessionId = null)
    {
        ArgumentNullException.ThrowIfNull(password);
        if (PasswordProblem(password) is { } tooShort)
        {
            return tooShort;
        }

        var saved = new List<Task>();
        UserRecord user;
        lock (_lock)
        {
            EnsureLoaded();
            if (!_users.TryGetValue(NormalizeName(userName), out var found))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.NoSuchUser, $"There is no user '{userName}'.");
            }

            user = found with { PasswordHash = _hasher.HashPassword(found, password), FailedAttempts = 0, LockedUntil = null, ChangedAt = _time.GetUtcNow() };
            _users[user.Name] = user;
            saved.Add(_store.SaveAsync(user));
            saved.AddRange(EndSessionsLocked(user.Name, keepSessionId));
        }

        await Task.WhenAll(saved);
        _logger.LogInformation("Password of {User} changed; its sessions ended{Kept}", user.Name, keepSessionId is null ? string.Empty : " but the current one");
        return AccountChange<UserRecord>.Done(user);
    }

    /// <summary>Ends every session of <paramref name="userName"/> but <paramref name="keepSessionId"/>; how many ended.</summary>
    public async Task<int> EndOtherSessionsAsync(string userName, string keepSessionId)
    {
        List<Task> ended;
        lock (_lock)
        {
            EnsureLoaded();
            ended = EndSessionsLocked(userName, keepSessionId);
        }

        await Task.WhenAll(ended);
        _logger.LogInformation("{Count} other sessions of {User} ended", ended.Count, userName);
        return ended.Count;
    }

    /// <summary>
    /// Gives an account exactly <paramref name="roles"/> (its sessions and tokens act with the new ones from their next
    /// request: a token keeps only those of its roles the owner still holds). Refused when a role is unknown or when it
    /// would take the admin role from the last active admin.
    /// </summary>
    public async Task<AccountChange<UserRecord>> SetRolesAsync(string userName, IReadOnlyList<string> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        if (RoleProblem(roles) is { } unknownRole)
        {
            return unknownRole;
        }

        UserRecord user;
        Task saved;
        lock (_lock)
        {
            EnsureLoaded();
            if (!_users.TryGetValue(NormalizeName(userName), out var found))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.NoSuchUser, $"There is no user '{userName}'.");
            }

            var normalized = AccountRoles.Normalize(roles);
            if (IsLastActiveAdminLocked(found) && !normalized.Contains(AccountRoles.Admin, StringComparer.Ordinal))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.LastAdmin,
                    $"'{found.Name}' is the last active admin: give another account the admin role first.");
            }

            user = found with { Roles = normalized, ChangedAt = _time.GetUtcNow() };
            _users[user.Name] = user;
            saved = _store.SaveAsync(user);
        }

        await saved;
        _logger.LogInformation("Roles of {User} set to {Roles}", user.Name, string.Join(",", user.Roles));
        return AccountChange<UserRecord>.Done(user);
    }

    /// <summary>
    /// Disables an account (it signs in to nothing, all its sessions end at once and its tokens stop working) or enables
    /// it again. <paramref name="actorName"/> may not disable their own account, nor may the last active admin be disabled.
    /// </summary>
    public async Task<AccountChange<UserRecord>> SetDisabledAsync(string userName, bool disabled, string actorName)
    {
        ArgumentNullException.ThrowIfNull(actorName);
        var saved = new List<Task>();
        UserRecord user;
        lock (_lock)
        {
            EnsureLoaded();
            if (!_users.TryGetValue(NormalizeName(userName), out var found))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.NoSuchUser, $"There is no user '{userName}'.");
            }

            if (disabled && found.Name == NormalizeName(actorName))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.OwnAccount, "An admin cannot disable their own account.");
            }

            if (disabled && IsLastActiveAdminLocked(found))
            {
                return AccountChange<UserRecord>.Refused(AccountRefusal.LastAdmin, $"'{found.Name}' is the last active admin.");
            }

            user = found with { Disabled = disabled, ChangedAt = _time.GetUtcNow() };
            _users[user.Name] = user;
            saved.Add(_store.SaveAsync(user));
            if (disabled)
            {
                saved.AddRange(EndSessionsLocked(user.Name, null));
            }
        }

        await Task.WhenAll(saved);
        _logger.LogInformation("Account {User} {State}", user.Name, disabled ? "disabled; its sessions ended" : "enabled");
        return AccountChange<UserRecord>.Done(user);
    }

    /// <summary>Whether <paramref name="password"/> is <paramref name="userName"/>'s (for a password change, which asks for the old one).</summary>
    public bool CheckPassword(string userName, string password)
    {
        var user = FindUser(userName);
        return user is not null && _hasher.VerifyHashedPassword(user, user.PasswordHash, password) != PasswordVerificationResult.Failed;
    }

    private static string NormalizeName(string name) => name.Trim().ToLowerInvariant();

    private static AccountChange<UserRecord>? RoleProblem(IReadOnlyList<string> roles) =>
        roles.FirstOrDefault(role => !AccountRoles.IsKnown(role)) is { } unknown
            ? AccountChange<UserRecord>.Refused(AccountRefusal.UnknownRole, $"'{unknown}' is not a role ({string.Join(", ", AccountRoles.All)}).")
            : null;

    private AccountChange<UserRecord>? PasswordProblem(string password) =>
        password.Length < _options.MinimumPasswordLength
            ? AccountChange<UserRecord>.Refused(AccountRefusal.PasswordTooShort, $"A password has at least {_options.MinimumPasswordLength} characters.")
            : null;

    /// <summary>Whether <paramref name="user"/> is an enabled admin and no other enabled account holds the admin role.</summary>
    private bool IsLastActiveAdminLocked(UserRecord user) =>
        !user.Disabled && user.Roles.Contains(AccountRoles.Admin, StringComparer.Ordinal)
        && !_users.Values.Any(other => other.Name != user.Name && !other.Disabled && other.Roles.Contains(AccountRoles.Admin, StringComparer.Ordinal));

    private List<Task> EndSessionsLocked(string userName, string? keepSessionId) =>
        [.. _sessionsBySecret.Values.Where(session => session.UserName == userName && session.Id != keepSessionId).ToList().Select(EndLocked)];

    /// <summary>A name as typed, safe for one log line (an attacker chooses it).</summary>
    private static string Printable(string? name) => name is null ? "(none)" : new string([.. name.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    private Task EndLocked(SessionRecord session)
    {
        _sessionsBySecret.Remove(session.SecretHash);
        _lastSeen.Remove(session.Id);
        return _store.DeleteSessionAsync(session.Id);
    }

    private void EnsureLoaded()
    {
        if (_loaded)
        {
            return;
        }

        foreach (var user in _store.LoadUsers())
        {
            _users[user.Name] = user;
        }

        foreach (var session in _store.LoadSessions())
        {
            _sessionsBySecret[session.SecretHash] = session;
        }

        foreach (var token in _store.LoadTokens())
        {
            _tokensBySecret[token.SecretHash] = token;
        }

        _loaded = true;
    }

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex NamePattern();
}
