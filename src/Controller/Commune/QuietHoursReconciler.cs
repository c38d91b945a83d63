using System.Threading.Channels;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Commands;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Controller.Commune;

/// <summary>
/// Brings every node's quiet hours to the commune settings' version, through the signed-command path
/// (<see cref="CommandService"/>): when an admin saves, one "set-quiet-hours" to the whole fleet (resent by the command
/// service until it expires); and whenever a node's health reports another version than the one in force (a node that
/// was off, replaced, or restored from an old card), one to that node alone. So a node that missed the fleet-wide
/// command catches up at its first health report, not at the next change. A node is sent the same version at most once
/// per session and command lifetime (a node that restarted gets it at once instead of at the command's next resend),
/// and only a node that reports quiet hours at all (older software would refuse the type).
/// Events are queued and handled one at a time off the fleet's and the settings' locks.
/// </summary>
internal sealed partial class QuietHoursReconciler : BackgroundService
{
    private readonly Channel<string?> _work = Channel.CreateUnbounded<string?>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, (long Version, int BdSeq, DateTimeOffset At)> _sent = new(StringComparer.Ordinal);
    private readonly CommuneSettingsService _settings;
    private readonly FleetRegistry _fleet;
    private readonly CommandService _commands;
    private readonly TimeProvider _time;
    private readonly TimeSpan _lifetime;
    private readonly ILogger<QuietHoursReconciler> _logger;

    public QuietHoursReconciler(
        CommuneSettingsService settings,
        FleetRegistry fleet,
        CommandService commands,
        TimeProvider time,
        IOptions<SecurityOptions> security,
        ILogger<QuietHoursReconciler> logger)
    {
        _settings = settings;
        _fleet = fleet;
        _commands = commands;
        _time = time;
        _lifetime = security.Value.CommandLifetime;
        _logger = logger;
    }

    /// <summary>Raised after a "set-quiet-hours" was issued: the target (a node id, or null for the fleet) and the version.</summary>
    public event Action<string?, long>? Issued;

    /// <summary>True when <paramref name="node"/> should be sent <paramref name="version"/>: online, reporting quiet hours, and another version.</summary>
    public static bool NeedsUpdate(NodeState node, long version)
    {
        ArgumentNullException.ThrowIfNull(node);
        return node.Online && node.Health?.QuietHours is { } held && held.Version != version;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _settings.Changed += OnSettingsChanged;
        _fleet.Changed += OnNodeChanged;
        try
        {
            // Nodes that spoke before this service started are looked at once.
            foreach (var node in _fleet.Snapshot())
            {
                _work.Writer.TryWrite(node.Id);
            }

            await foreach (var nodeId in _work.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                await ReconcileAsync(nodeId, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            _settings.Changed -= OnSettingsChanged;
            _fleet.Changed -= OnNodeChanged;
        }
    }

    private void OnSettingsChanged(CommuneSettings settings) => _work.Writer.TryWrite(null);

    private void OnNodeChanged(NodeState node)
    {
        if (NeedsUpdate(node, _settings.Current.Version))
        {
            _work.Writer.TryWrite(node.Id);
        }
    }

    /// <summary>One round: the whole fleet (<paramref name="nodeId"/> null) after a change, or one node.</summary>
    private async Task ReconcileAsync(string? nodeId, CancellationToken cancellationToken)
    {
        var settings = _settings.Current;
        if (settings.Version == 0)
        {
            // Nobody saved settings yet: nodes enforce the same defaults on their own (version 0).
            return;
        }

        var now = _time.GetUtcNow();
        CommandTarget target;
        if (nodeId is null)
        {
            target = new CommandTarget { All = true };
        }
        else
        {
            if (_fleet.Find(nodeId) is not { } node || !NeedsUpdate(node, settings.Version)
                || (_sent.TryGetValue(nodeId, out var last) && last.Version == settings.Version && last.BdSeq == node.BdSeq && now - last.At < _lifetime))
            {
                return;
            }

            target = new CommandTarget { Node = nodeId };
        }

        var body = CommandCatalog.WriteBody(SetQuietHoursCommand.For(settings.Version, settings.TimeZone, settings.QuietHours));
        var result = await _commands.IssueAsync(target, CommandCatalog.NameOf<SetQuietHoursCommand>(), body, cancellationToken).ConfigureAwait(false);
        if (result.Command is not { } issued)
        {
            // No node known yet, no key, the disk: the next health report of each node tries again.
            LogNotIssued(nodeId ?? "the fleet", settings.Version, result.Problem);
            return;
        }

        // The command service resends to each addressed node that has not answered until the command expires, so
        // none of them needs a command of its own before then.
        foreach (var addressed in _fleet.Snapshot().Where(node => issued.Involves(node.Id)))
        {
            _sent[addressed.Id] = (settings.Version, addressed.BdSeq, now);
        }

        LogIssued(nodeId ?? "the fleet", settings.Version, issued.Id);
        Issued?.Invoke(nodeId, settings.Version);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Quiet hours version {Version} sent to {Target} as command {CommandId}")]
    private partial void LogIssued(string target, long version, string commandId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quiet hours version {Version} not sent to {Target}: {Problem}")]
    private partial void LogNotIssued(string target, long version, string? problem);
}
