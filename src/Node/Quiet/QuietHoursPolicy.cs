using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Quiet;

/// <summary>
/// The node's own enforcement of the commune's quiet hours (docs/protocol.md, "Priorities"): every sound source on the
/// node — the playout arbiter, a test tone — asks <see cref="Admits"/> before it sounds. Emergencies always sound; any
/// other class needs a signed override inside the window. The window comes from "set-quiet-hours", is kept in the data
/// folder across restarts, and a node never returns to an older settings version than it holds. Time is the injected
/// clock's, so the decision is tested with a fake one.
/// </summary>
internal sealed class QuietHoursPolicy : IHealthContributor
{
    private readonly TimeProvider _time;
    private readonly string? _dataDirectory;
    private readonly Lock _gate = new();
    private volatile QuietHoursSetting _setting;

    /// <param name="time">The node's clock.</param>
    /// <param name="dataDirectory">Where the setting is kept; null keeps it in memory only (tests, a node without a data folder).</param>
    /// <param name="logger">Where an unreadable stored setting is told.</param>
    public QuietHoursPolicy(TimeProvider time, string? dataDirectory, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        _time = time;
        _dataDirectory = dataDirectory;
        _setting = QuietHoursSetting.Default;
        if (dataDirectory is not null && QuietHoursFile.Read(dataDirectory, logger) is { } stored)
        {
            _setting = stored;
        }
    }

    /// <summary>The setting in force.</summary>
    public QuietHoursSetting Setting => _setting;

    /// <summary>True when the node is inside its quiet-hours window now.</summary>
    public bool IsActive => _setting.IsQuietAt(_time.GetUtcNow());

    /// <summary>True when audio of <paramref name="priorityClass"/> may sound now (emergencies always may).</summary>
    /// <param name="priorityClass">The class of what asks to sound.</param>
    /// <param name="hasSignedOverride">It carries a signed quiet-hours override.</param>
    public bool Admits(PriorityClass priorityClass, bool hasSignedOverride = false) =>
        priorityClass == PriorityClass.Emergency || hasSignedOverride || !IsActive;

    /// <summary>
    /// Keeps <paramref name="setting"/> (durably first, then in force) unless the node holds a newer version; returns
    /// false when it kept the newer one it has. The same version again is harmless (a resend).
    /// </summary>
    /// <exception cref="IOException">It cannot be stored; nothing changed.</exception>
    /// <exception cref="UnauthorizedAccessException">No permission on the data folder; nothing changed.</exception>
    public bool Apply(QuietHoursSetting setting)
    {
        ArgumentNullException.ThrowIfNull(setting);
        lock (_gate)
        {
            if (setting.Version < _setting.Version)
            {
                return false;
            }

            if (_dataDirectory is not null)
            {
                QuietHoursFile.Save(_dataDirectory, setting);
            }

            _setting = setting;
            return true;
        }
    }

    /// <inheritdoc />
    public ValueTask ContributeAsync(HealthReportDraft report, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(report);
        var setting = _setting;
        report.QuietHours = new QuietHoursHealth { Version = setting.Version, Active = setting.IsQuietAt(_time.GetUtcNow()) };
        return ValueTask.CompletedTask;
    }
}
