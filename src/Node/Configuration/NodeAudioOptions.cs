using SmartLoudspeaker.Node.Audio.Sinks;

namespace SmartLoudspeaker.Node.Configuration;

/// <summary><c>Node:Audio</c>: where a real node's sound goes and how loud it may be (a simulated node uses its virtual DAC).</summary>
public sealed class NodeAudioOptions
{
    /// <summary>
    /// The ALSA playback device, e.g. "default", "hw:0" or "plughw:CARD=sndrpihifiberry"; not set: this node has no
    /// audio output and refuses sound commands with "no-audio".
    /// </summary>
    public string? Device { get; set; }

    /// <summary>Audio held in the device buffer; shorter stops faster, longer survives a busier Pi (20 ms – 2 s).</summary>
    public TimeSpan Latency { get; set; } = new AlsaSinkOptions().Latency;

    /// <summary>Software volume at start, 0–100 (0.5 dB a step).</summary>
    public int Volume { get; set; } = 80;

    /// <summary>The site's cap on the volume, 0–100: horns next to houses are set lower here, once, by the installer.</summary>
    public int MaxVolume { get; set; } = 100;
}
