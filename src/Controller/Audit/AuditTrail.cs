using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using SmartLoudspeaker.Controller.Accounts;
using SmartLoudspeaker.Controller.Audit.Storage;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>
/// Where every feature records what people, scripts and nodes did (docs/security.md, "Audit log"). A record is awaited
/// until the store has it: an action the log cannot keep is logged as an error, so a full disk is seen, but the action
/// itself is not undone by it.
/// </summary>
internal sealed partial class AuditTrail
{
    public const string SystemActor = "system";
    public const string AnonymousActor = "anonymous";

    private readonly AuditRepository _repository;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditTrail> _logger;
    private long _sequence;

    public AuditTrail(AuditRepository repository, TimeProvider time, ILogger<AuditTrail> logger)
    {
        _repository = repository;
        _time = time;
        _logger = logger;
    }

    /// <summary>Records an action with its actor and source given.</summary>
    public async Task<AuditEntry> RecordAsync(string actor, string? source, string action, AuditOutcome outcome, string? target = null, string? detail = null)
    {
        var at = _time.GetUtcNow();

        // Ticks, then this process's count, then a random part: ordered by time and, within one tick, by record; never
        // the same twice (a restarted Controller on a stopped clock, as in tests, counts from zero again).
        var id = string.Create(CultureInfo.InvariantCulture, $"{at.UtcTicks:x16}-{Interlocked.Increment(ref _sequence):x8}-{RandomNumberGenerator.GetHexString(8, lowercase: true)}");
        var entry = new AuditEntry(id, at, actor, action, outcome, target, source, detail);
        bool kept;
        try
        {
            kept = await _repository.AppendAsync(entry).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or LiteDB.LiteException or InvalidOperationException or UnauthorizedAccessException)
        {
            // A full or failing disk (the store engine has logged why): the action stands, the missing entry is an error.
            kept = false;
        }

        if (!kept)
        {
            LogNotKept(entry.Action, entry.Actor, entry.Target);
        }

        return entry;
    }

    /// <summary>Records an action of the request's caller, from the request's client address.</summary>
    public Task<AuditEntry> RecordAsync(HttpContext context, string action, AuditOutcome outcome, string? target = null, string? detail = null)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RecordAsync(ActorOf(context.User), context.Connection.RemoteIpAddress?.ToString(), action, outcome, target, detail);
    }

    /// <summary>How <paramref name="user"/> appears in the log: the sign-in name, and the token when it came with one.</summary>
    public static string ActorOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity is not { IsAuthenticated: true, Name: { } name })
        {
            return AnonymousActor;
        }

        return user.FindFirst(AccountClaims.Token)?.Value is { } token ? $"{name} (token {token})" : name;
    }

    /// <summary>The entries from <paramref name="from"/> (inclusive) to <paramref name="to"/> (exclusive), newest first.</summary>
    public IEnumerable<AuditEntry> Between(DateTimeOffset from, DateTimeOffset to) => _repository.Between(from, to);

    /// <summary>The entries <paramref name="filter"/> admits, newest first, at most its limit, read as enumerated.</summary>
    public IEnumerable<AuditEntry> Find(AuditFilter filter)
    {
        ArgumentNullException.ThrowIfNull(filter);
        return _repository.Find(filter).Take(filter.Limit);
    }

    /// <summary>
    /// Text an outsider chose (a typed name, a path, a route value), fit for one log field: at most 64 characters, no
    /// control characters; <c>(none)</c> for nothing.
    /// </summary>
    public static string Typed(string? text) =>
        string.IsNullOrEmpty(text) ? "(none)" : new string([.. text.Take(64).Select(c => char.IsControl(c) ? '?' : c)]);

    [LoggerMessage(Level = LogLevel.Error, Message = "The audit log could not keep {Action} by {Actor} on {Target}: the store refused the write")]
    private partial void LogNotKept(string action, string actor, string? target);
}
