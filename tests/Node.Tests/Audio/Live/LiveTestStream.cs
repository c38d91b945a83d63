using SmartLoudspeaker.Node.Audio.Opus;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Live;
using SmartLoudspeaker.Protocol.Priority;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Node.Tests.Audio.Live;

/// <summary>
/// A live stream as the Controller would send it: a 440 Hz tone (after <see cref="SilentFrames"/> silent frames) encoded
/// with the node's real Opus encoder, cut into packets of three frames stamped from <see cref="Support.TestKeys.Now"/>,
/// each signed by a given key.
/// </summary>
internal sealed class LiveTestStream
{
    public const string StreamId = "live-0042";
    public const int FramesPerPacket = 3;
    public const int DelayMs = 1500;
    public const int SilentFrames = 5;
    public const float ToneAmplitude = 0.5f;
    public const double ToneHz = 440;

    public static readonly long FirstTimestampUs = LiveAudioPacket.ToMicros(Support.TestKeys.Now);

    /// <summary>The timeline sample of the stream's first frame.</summary>
    public static readonly long FirstSample = ControllerTimeline.ToSample(Support.TestKeys.Now);

    /// <summary>The delay in samples: 1.5 s.</summary>
    public const long DelaySamples = DelayMs * 48;

    private readonly List<byte[]> _frames = [];

    public LiveTestStream(int packets)
    {
        using var encoder = new OpusFrameEncoder();
        var pcm = new float[OpusFormat.SamplesPerFrame];
        var opus = new byte[OpusFormat.MaxPacketBytes];
        for (var frame = 0; frame < packets * FramesPerPacket; frame++)
        {
            for (var i = 0; i < pcm.Length; i++)
            {
                var sample = ((long)frame * pcm.Length) + i;
                pcm[i] = frame < SilentFrames ? 0f : ToneAmplitude * (float)Math.Sin(2 * Math.PI * ToneHz * sample / OpusFormat.SampleRate);
            }

            _frames.Add(opus.AsSpan(0, encoder.Encode(pcm, opus)).ToArray());
        }
    }

    public int Packets => _frames.Count / FramesPerPacket;

    public static StreamStartCommand Start(PriorityClass priority = PriorityClass.Live, int endAfterSilenceMs = 5000) => new()
    {
        StreamId = StreamId,
        Class = priority,
        DelayMs = DelayMs,
        FirstTimestampUs = FirstTimestampUs,
        FramesPerPacket = FramesPerPacket,
        EndAfterSilenceMs = endAfterSilenceMs,
    };

    /// <summary>The timestamp of packet <paramref name="index"/>'s first frame, in microseconds.</summary>
    public static long TimestampOf(int index) => FirstTimestampUs + (index * FramesPerPacket * 20_000L);

    /// <summary>The unsigned packet <paramref name="index"/>, to be changed by a test before signing.</summary>
    public LiveAudioPacket Packet(int index) => new()
    {
        StreamId = StreamId,
        Kid = "unsigned",
        Sequence = (uint)index,
        TimestampMicros = TimestampOf(index),
        Class = PriorityClass.Live,
        Frames = [.. _frames.Skip(index * FramesPerPacket).Take(FramesPerPacket).Select(frame => new ReadOnlyMemory<byte>(frame))],
    };

    public byte[] Signed(int index, PayloadSigner signer) => signer.SignLive(Packet(index));
}
