using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Reporting;

namespace SmartLoudspeaker.Node.Hosting;

/// <summary>
/// The hardware a node runs with, real or simulated: where its system readings come from, and the drivers that own
/// a part of its health report (the simulated hardware now; GPIO, audio and the media cache as they arrive).
/// </summary>
/// <param name="SystemReadings">Processor, memory, link and the operating system's clock.</param>
/// <param name="Hardware">Drivers contributing their own part of each health report.</param>
public sealed record NodeDrivers(IHealthSource SystemReadings, IReadOnlyList<IHealthContributor> Hardware)
{
    /// <summary>
    /// Where the node's audio leaves it, for the playout to take; null until a node has one (a real node's ALSA sink
    /// arrives with the playout). The node owns it from here: the agent disposes it when it is disposed.
    /// </summary>
    internal IAudioSink? AudioSink { get; init; }

    /// <summary>A simulated node: generated readings from <paramref name="seed"/>, and the simulated relays and audio.</summary>
    public static NodeDrivers Simulated(int seed) => new(new SimulatedHealthSource(seed), [new SimulatedHardware()]);

    /// <summary>A real Linux node: readings from /proc and /sys; no relay or audio driver yet, so no such part.</summary>
    /// <param name="dataDirectory">The node's data folder, whose file system is reported.</param>
    public static NodeDrivers Linux(string dataDirectory) => new(new LinuxHealthSource(dataDirectory), []);
}
