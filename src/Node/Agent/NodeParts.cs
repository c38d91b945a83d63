using SmartLoudspeaker.Node.Audio;
using SmartLoudspeaker.Node.Audio.Sinks;
using SmartLoudspeaker.Node.Control;
using SmartLoudspeaker.Node.Health;
using SmartLoudspeaker.Node.Identity;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Node.Reporting;

namespace SmartLoudspeaker.Node.Agent;

/// <summary>What <see cref="NodeAgent"/> is given to run with; built in <c>Hosting/NodeComposer</c>, never by the agent.</summary>
/// <param name="Reporter">Birth, health from the contributors, and the event outbox.</param>
/// <param name="Control">Signed control, when a root key is configured.</param>
/// <param name="SystemReadings">The system readings, which signed control also asks for the clock state.</param>
/// <param name="BdSeq">The bdSeq of the first session (one past the stored one, after a restart).</param>
/// <param name="Heartbeat">The health interval to start with (configured, or stored by a "set-heartbeat" command).</param>
/// <param name="Keyring">The node's key and broker password.</param>
/// <param name="QuietHours">The quiet-hours policy every sound source on the node consults.</param>
/// <param name="AudioSink">Where the node's audio leaves it (the virtual DAC of a simulated node), when it has one.</param>
/// <param name="Audio">The playout, the live intake and the sound commands' entry points, when the node has audio.</param>
internal sealed record NodeParts(
    NodeReporter Reporter,
    SignedControl? Control,
    IHealthSource SystemReadings,
    int BdSeq,
    TimeSpan Heartbeat,
    NodeKeyring Keyring,
    QuietHoursPolicy QuietHours,
    IAudioSink? AudioSink = null,
    NodeAudio? Audio = null);
