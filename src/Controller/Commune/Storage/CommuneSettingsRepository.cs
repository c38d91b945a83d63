using LiteDB;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Controller.Commune.Storage;

/// <summary>
/// The commune settings over the store engine (docs/storage.md, "How a feature adds its repository"): one document,
/// <c>_id = "commune"</c>, built by hand, times of day as minutes after midnight, durations as milliseconds, instants as
/// UTC ticks. Every save is an upsert of the whole document, idempotent in the journal.
/// </summary>
internal sealed class CommuneSettingsRepository : ICommuneSettingsStore
{
    /// <summary>The one document's id.</summary>
    public const string DocumentId = "commune";

    private readonly StoreEngine _engine;
    private readonly ILogger<CommuneSettingsRepository> _logger;

    public CommuneSettingsRepository(StoreEngine engine, ILogger<CommuneSettingsRepository> logger)
    {
        _engine = engine;
        _logger = logger;
    }

    public CommuneSettings? Load()
    {
        if (_engine.Reads.FindById(CommuneSettingsSchema.Collection, DocumentId) is not { } document)
        {
            return null;
        }

        try
        {
            QuietHours? window = document.TryGetValue("quietStart", out var start) && start.IsInt32
                ? new QuietHours(Minutes(start), Minutes(document["quietEnd"]))
                : null;
            return new CommuneSettings(
                document["name"].AsString,
                document["province"].AsString,
                document["timeZone"].AsString,
                window,
                document["approval"].AsBoolean,
                document["lufs"].AsDouble,
                TimeSpan.FromMilliseconds(document["emergencyLeadMs"].AsInt32),
                TimeSpan.FromMilliseconds(document["bulletinLeadMs"].AsInt32),
                document["version"].AsInt64,
                new DateTimeOffset(document["changedAt"].AsInt64, TimeSpan.Zero),
                document["changedBy"].AsString);
        }
        catch (Exception exception) when (exception is InvalidCastException or ArgumentException or KeyNotFoundException or NullReferenceException)
        {
            _logger.LogError("The stored commune settings are unreadable ({Message}); the defaults apply until an admin saves them again", exception.Message);
            return null;
        }
    }

    public Task SaveAsync(CommuneSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var document = new BsonDocument
        {
            ["_id"] = DocumentId,
            ["name"] = settings.Name,
            ["province"] = settings.Province,
            ["timeZone"] = settings.TimeZone,
            ["approval"] = settings.SchedulesNeedApproval,
            ["lufs"] = settings.LoudnessTargetLufs,
            ["emergencyLeadMs"] = (int)settings.EmergencyLeadTime.TotalMilliseconds,
            ["bulletinLeadMs"] = (int)settings.BulletinLeadTime.TotalMilliseconds,
            ["version"] = settings.Version,
            ["changedAt"] = (settings.ChangedAt ?? DateTimeOffset.UnixEpoch).UtcTicks,
            ["changedBy"] = settings.ChangedBy ?? string.Empty,
        };
        if (settings.QuietHours is { } window)
        {
            document["quietStart"] = (int)window.Start.ToTimeSpan().TotalMinutes;
            document["quietEnd"] = (int)window.End.ToTimeSpan().TotalMinutes;
        }

        return _engine.Enqueue(StoreOp.Upsert(CommuneSettingsSchema.Collection, document));
    }

    private static TimeOnly Minutes(BsonValue value) => TimeOnly.FromTimeSpan(TimeSpan.FromMinutes(value.AsInt32));
}
