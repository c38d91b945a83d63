using SmartLoudspeaker.Node.Agent;
using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Control.Handlers;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Simulation;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Protocol;

namespace SmartLoudspeaker.Node.Hosting;

/// <summary>
/// The one place a node is put together: from the options (or ready settings) and its drivers, it builds the
/// storage, signed control, the health contributors, the reporter and the agent. The single node and every node of
/// the fleet simulator come through here, so a simulated node is built as a real one is, with simulated drivers.
/// </summary>
public static class NodeComposer
{
    /// <summary>The single node of <c>Node:NodeId</c>, with Linux or simulated drivers as <c>Node:HealthSource</c> says.</summary>
    public static NodeAgent ForNode(NodeOptions options, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        var nodeId = options.NodeId!;
        var drivers = (options.HealthSource == HealthSourceKind.Simulated
            ? NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId))
            : NodeDrivers.Linux(options.DataDirectory)) with { Audio = options.Audio };
        return FromOptions(options, nodeId, [.. options.Zones], options.DataDirectory, drivers, time, loggerFactory);
    }

    /// <summary>
    /// Simulated node <paramref name="number"/> (1-based) of the fleet simulator: its id and zone follow from the number,
    /// its files live in a subfolder of the data folder named after its id. It runs on its own
    /// <see cref="SimulatedNodeClock"/> over <paramref name="time"/> (the true clock), off and drifting as
    /// <see cref="SimulatedNodeSettings"/> draws for it, and everything it composes reads that clock, as everything on
    /// a Pi reads the Pi's; its audio goes to a virtual DAC paced by the same clock.
    /// </summary>
    public static NodeAgent ForSimulatedNode(NodeOptions options, int number, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var simulation = options.Simulation;
        var nodeId = FleetSimulator.NodeIdFor(simulation.IdPrefix, number);
        var clockSettings = SimulatedNodeSettings.For(simulation, number);
        var clock = new SimulatedNodeClock(time, clockSettings.ClockOffset, clockSettings.ClockDriftPpm);
        var dac = new VirtualDacSink(new VirtualDacOptions { NodeId = nodeId, OutputFolder = simulation.AudioOutputFolder }, clock);
        try
        {
            return FromOptions(
                options,
                nodeId,
                [FleetSimulator.ZoneFor(number, simulation.ZoneCount)],
                Path.Combine(options.DataDirectory, nodeId),
                NodeDrivers.Simulated(SimulatedHealthSource.SeedFor(nodeId)) with { AudioSink = dac, Audio = options.Audio },
                clock,
                loggerFactory);
        }
        catch
        {
            // The node never came to own it, so nothing else will close its files.
            dac.Dispose();
            throw;
        }
    }

    /// <summary>A node from ready settings and drivers (tests, and the two above); nothing touches the network until it starts.</summary>
    /// <exception cref="ArgumentException">The settings are invalid (the message lists every problem).</exception>
    /// <exception cref="InvalidDataException">The node's key or password file is unreadable (the message names it).</exception>
    public static NodeAgent Compose(NodeAgentSettings settings, NodeDrivers drivers, TimeProvider time, ILogger<NodeAgent> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(drivers);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(logger);
        settings.Validate();

        // Signed control's command handlers act on the agent (acknowledge, rebirth, heartbeat), so the parts are built
        // once the agent exists, handed to it as their host.
        return new NodeAgent(settings, host => BuildParts(settings, drivers, host, time, logger), time, logger);
    }

    private static NodeAgent FromOptions(
        NodeOptions options, string nodeId, IReadOnlyList<string> zones, string dataDirectory, NodeDrivers drivers, TimeProvider time, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        var settings = NodeAgentSettingsFactory.Create(options, nodeId, zones, dataDirectory);
        return Compose(settings, drivers, time, loggerFactory.CreateLogger<NodeAgent>());
    }

    private static NodeParts BuildParts(NodeAgentSettings settings, NodeDrivers drivers, INodeControlHost host, TimeProvider time, ILogger logger)
    {
        // First: a node whose key file is damaged must stop before it opens anything else.
        var keyring = NodeKeyring.Open(settings.NodeId, settings.DataDirectory, logger);
        var outbox = OpenOutbox(settings, time, logger);
        var bdSeq = settings.DataDirectory is { } directory && BdSeqFile.Read(directory) is { } stored
            ? (stored + 1) % (ReportContext.MaxSeq + 1)
            : settings.InitialBdSeq;
        var heartbeat = LoadHeartbeat(settings, logger);
        var quietHours = new QuietHoursPolicy(time, settings.DataDirectory, logger);
        SignedControl? control = null;
        NodeAudio? audio = null;
        var capabilities = settings.Capabilities;
        if (settings.RootPublicKey is { } root)
        {
            control = new SignedControl(
                settings.NodeId, settings.Zones, root, settings.DataDirectory, settings.TrustSynchronisedSystemClock, time, logger, host,
                built =>
                {
                    audio = CreateAudio(settings.NodeId, drivers, built, quietHours, host, time, logger);
                    return [new SetQuietHoursHandler(quietHours), new PlayToneHandler(audio), new StopPlayHandler(audio), new StreamStartHandler(audio), new StreamStopHandler(audio)];
                });
            capabilities = WithCapability(capabilities, Capabilities.Commands);
            if (audio is not null)
            {
                capabilities = WithCapability(capabilities, Capabilities.Audio);
            }
        }
        else
        {
            logger.LogWarning(
                "Node {NodeId}: no root public key configured (Node:Security:RootPublicKey or RootPublicKeyFile); this node obeys NO command",
                settings.NodeId);
        }

        var health = new HealthReportAssembler(settings.NodeId, HealthContributors(drivers, control, quietHours, audio), time, logger);
        var reporter = new NodeReporter(settings, drivers.SystemReadings.Hardware, capabilities, health, outbox, keyring, control?.TrustStore, time, logger);
        return new NodeParts(reporter, control, drivers.SystemReadings, bdSeq, heartbeat, keyring, quietHours, drivers.AudioSink, audio);
    }

    private static IReadOnlyList<string> WithCapability(IReadOnlyList<string> capabilities, string capability) =>
        capabilities.Contains(capability, StringComparer.Ordinal) ? capabilities : [.. capabilities, capability];

    /// <summary>
    /// The node's audio when it has an output: a simulated node's virtual DAC for its whole life, or a real node's ALSA
    /// device, opened at the playout's first block and again after it vanishes. Null without one.
    /// </summary>
    private static NodeAudio? CreateAudio(
        string nodeId, NodeDrivers drivers, SignedControl control, QuietHoursPolicy quietHours, INodeControlHost host, TimeProvider time, ILogger logger)
    {
        var settings = drivers.Audio;
        Func<IAudioSink>? open = drivers.AudioSink is { } sink ? () => sink
            : settings.Device is { } device ? () => new AlsaSink(new AlsaSinkOptions { Device = device, Latency = settings.Latency })
            : null;
        if (open is null)
        {
            logger.LogInformation("Node {NodeId}: no audio output (Node:Audio:Device not set); sound commands are refused with no-audio", nodeId);
            return null;
        }

        var playout = new PlayoutOptions { MaxVolume = settings.MaxVolume };
        return new NodeAudio(nodeId, open, control.Clock, quietHours, control.TrustStore, host, time, playout, logger) { Volume = settings.Volume };
    }

    /// <summary>
    /// Who contributes to a health report, in order: the system readings first (the controller clock refines the
    /// clock reading they put down), then signed control, then the quiet-hours policy, then the audio, then each driver with its own part.
    /// </summary>
    internal static IReadOnlyList<IHealthContributor> HealthContributors(
        NodeDrivers drivers, IHealthContributor? control, IHealthContributor? quietHours = null, IHealthContributor? audio = null)
    {
        List<IHealthContributor> contributors = [new SystemReadingsContributor(drivers.SystemReadings)];
        if (control is not null)
        {
            contributors.Add(control);
        }

        if (quietHours is not null)
        {
            contributors.Add(quietHours);
        }

        if (audio is not null)
        {
            contributors.Add(audio);
        }

        contributors.AddRange(drivers.Hardware);
        return contributors;
    }

    /// <summary>The configured heartbeat, unless a "set-heartbeat" command stored another in the data folder.</summary>
    private static TimeSpan LoadHeartbeat(NodeAgentSettings settings, ILogger logger)
    {
        if (settings.DataDirectory is { } directory && HeartbeatFile.Read(directory) is { } stored)
        {
            if (stored != settings.Heartbeat)
            {
                logger.LogInformation(
                    "Node {NodeId}: heartbeat {Heartbeat} set by the Controller (in {File}) replaces the configured {Configured}",
                    settings.NodeId, stored, HeartbeatFile.FileName, settings.Heartbeat);
            }

            return stored;
        }

        return settings.Heartbeat;
    }

    private static EventOutbox OpenOutbox(NodeAgentSettings settings, TimeProvider time, ILogger logger)
    {
        if (settings.DataDirectory is not { } directory)
        {
            return new EventOutbox(settings.OutboxCapacity);
        }

        try
        {
            var journal = EventJournal.Open(directory, time, logger, out var recovered);
            if (recovered.Count > 0)
            {
                logger.LogInformation("Node {NodeId}: {Count} unacknowledged event(s) recovered from {Path}", settings.NodeId, recovered.Count, journal.Path);
            }

            return new EventOutbox(settings.OutboxCapacity, journal, recovered, logger);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            logger.LogError(
                "Node {NodeId}: cannot keep the event outbox in {DataDirectory} ({Error}); events are kept in memory only",
                settings.NodeId, directory, exception.Message);
            return new EventOutbox(settings.OutboxCapacity);
        }
    }
}
