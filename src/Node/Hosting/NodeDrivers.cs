using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Configuration;
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
    /// A simulated node's audio output (its virtual DAC), which the playout writes to for the node's whole life; null
    /// for a real node, which opens <see cref="NodeAudioOptions.Device"/> (and opens it again when it vanishes). The
    /// node owns it from here: the agent disposes it when it is disposed.
    /// </summary>
    internal IAudioSink? AudioSink { get; init; }

    /// <summary>
    /// The audio settings (<c>Node:Audio</c>): a real node opens its ALSA device from them, and every node takes its
    /// volume and the site's cap from them.
    /// </summary>
    public NodeAudioOptions Audio { get; init; } = new();

    /// <summary>A simulated node: generated readings from <paramref name="seed"/>, and the simulated relays and audio.</summary>
    public static NodeDrivers Simulated(int seed) => new(new SimulatedHealthSource(seed), [new SimulatedHardware()]);

    /// <summary>A real Linux node: readings from /proc and /sys; its audio device from <see cref="Audio"/>; no relay driver yet.</summary>
    /// <param name="dataDirectory">The node's data folder, whose file system is reported.</param>
    public static NodeDrivers Linux(string dataDirectory) => new(new LinuxHealthSource(dataDirectory), []);
}
