using System.Diagnostics;
using System.Globalization;
using System.Text;
using Concentus;
using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Audio.Arbiter;
using SmartLoudspeaker.Node.Audio.Opus;
using SmartLoudspeaker.Node.Audio.Playout;
using SmartLoudspeaker.Protocol.Priority;
using ArbiterCore = SmartLoudspeaker.Node.Audio.Arbiter.Arbiter;

namespace SmartLoudspeaker.Benchmarks.Skew;

/// <summary>
/// What an hour of audio costs a node's CPU, in real time on this machine: decoding 20 ms Opus frames with
/// <see cref="OpusFrameDecoder"/> (native libopus and Concentus's managed codec, each when it can be had), and the
/// playout engine rendering a tone into a sink that takes every block at once. One thread each, nothing else running.
/// </summary>
internal static class PlayoutCpuBenchmark
{
    private static readonly TimeSpan AudioSpan = TimeSpan.FromHours(1);

    /// <summary>Distinct packets encoded once and decoded in a loop: encoding an hour would cost more than the figure measured.</summary>
    private static readonly TimeSpan EncodedSpan = TimeSpan.FromSeconds(20);

    public static string Run()
    {
        var report = new StringBuilder();
        report.AppendLine(CultureInfo.InvariantCulture, $"CPU for {AudioSpan.TotalHours:F0} h of audio, real time, one thread (of one core: seconds of CPU ÷ 3,600 s):");
        report.AppendLine();
        report.AppendLine("| work | backend | wall s per audio hour (Stopwatch) | process CPU s per audio hour | % of one core |");
        report.AppendLine("|---|---|---:|---:|---:|");
        var packets = EncodeSpeechLike();
        foreach (var tryNative in new[] { true, false })
        {
            var (cost, native) = Decode(packets, tryNative);
            report.AppendLine(Row("Opus decode, 20 ms frames, 24 kb/s", (native ? "native libopus" : "Concentus managed") + (tryNative && !native ? " (native asked for, not found)" : string.Empty), cost));
        }

        report.AppendLine(Row("PlayoutEngine, 10 ms blocks of tone into a null sink", "managed", Render()));
        return report.ToString();
    }

    private static string Row(string work, string backend, (TimeSpan Wall, TimeSpan Cpu) cost) =>
        string.Create(CultureInfo.InvariantCulture, $"| {work} | {backend} | {cost.Wall.TotalSeconds:F2} | {cost.Cpu.TotalSeconds:F2} | {cost.Cpu / AudioSpan * 100:F2} % |");

    /// <summary>A voice-like signal (harmonics of a gliding pitch, syllable-rate envelope, a little noise) as Opus packets at the node's settings.</summary>
    private static List<byte[]> EncodeSpeechLike()
    {
        using var encoder = new OpusFrameEncoder();
        var random = new Random(12);
        var frame = new float[OpusFormat.SamplesPerFrame];
        var packet = new byte[OpusFormat.MaxPacketBytes];
        var packets = new List<byte[]>();
        var frames = (int)(EncodedSpan.TotalMilliseconds / OpusFormat.FrameMilliseconds);
        double phase = 0;
        for (var f = 0; f < frames; f++)
        {
            for (var i = 0; i < frame.Length; i++)
            {
                var t = ((f * frame.Length) + i) / (double)OpusFormat.SampleRate;
                var pitch = 120 + (30 * Math.Sin(2 * Math.PI * 0.7 * t));
                phase += pitch / OpusFormat.SampleRate;
                var envelope = Math.Max(0, Math.Sin(2 * Math.PI * 4 * t));
                var voice = 0.0;
                for (var h = 1; h <= 12; h++)
                {
                    voice += Math.Sin(2 * Math.PI * h * phase) / h;
                }

                frame[i] = (float)((0.25 * envelope * voice) + (0.01 * ((random.NextDouble() * 2) - 1)));
            }

            var length = encoder.Encode(frame, packet);
            packets.Add(packet.AsSpan(0, length).ToArray());
        }

        return packets;
    }

    private static ((TimeSpan Wall, TimeSpan Cpu) Cost, bool Native) Decode(List<byte[]> packets, bool tryNative)
    {
        var before = OpusCodecFactory.AttemptToUseNativeLibrary;
        OpusCodecFactory.AttemptToUseNativeLibrary = tryNative;
        try
        {
            using var decoder = new OpusFrameDecoder();
            var frame = new float[OpusFormat.SamplesPerFrame];
            var frames = (long)(AudioSpan.TotalMilliseconds / OpusFormat.FrameMilliseconds);

            // One pass over the packets first, so the JIT and the decoder's first allocations are not measured.
            foreach (var packet in packets)
            {
                decoder.Decode(packet, frame);
            }

            var cpu = ProcessCpu();
            var wall = Stopwatch.StartNew();
            for (long i = 0; i < frames; i++)
            {
                decoder.Decode(packets[(int)(i % packets.Count)], frame);
            }

            return ((wall.Elapsed, ProcessCpu() - cpu), decoder.IsNative);
        }
        finally
        {
            OpusCodecFactory.AttemptToUseNativeLibrary = before;
        }
    }

    /// <summary>An hour-long tone rendered block by block; the Controller's clock is the fake true clock, moved one block per step.</summary>
    private static (TimeSpan Wall, TimeSpan Cpu) Render()
    {
        var truth = new FakeTimeProvider(new DateTimeOffset(2026, 12, 4, 6, 0, 0, TimeSpan.Zero));
        using var engine = new PlayoutEngine(() => new NullAudioSink(), new OwnClockControllerTime(truth), new ArbiterCore((_, _) => true), truth);
        var tone = new ToneContent(440, AudioSpan + TimeSpan.FromSeconds(1), 0.5f);
        engine.Submit(new PlayRequest("cpu-tone", PriorityClass.Normal, truth.GetUtcNow(), null, ResumesFromCutPoint: true, AudioSpan), tone);
        var block = ControllerTimeline.ToDuration(PlayoutEngine.BlockSamples);
        var blocks = (long)(AudioSpan / block);
        var cpu = ProcessCpu();
        var wall = Stopwatch.StartNew();
        for (long i = 0; i < blocks; i++)
        {
            var step = engine.StepAsync(CancellationToken.None).AsTask();
            if (!step.IsCompleted)
            {
                throw new InvalidOperationException("The null sink made a write wait.");
            }

            step.GetAwaiter().GetResult();
            truth.Advance(block);
        }

        return (wall.Elapsed, ProcessCpu() - cpu);
    }

    /// <summary>CPU this process has used: the work measured runs alone on one thread, so the growth is its cost plus the GC's share.</summary>
    private static TimeSpan ProcessCpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime;
    }
}
