using Concentus;
using Concentus.Enums;

namespace SmartLoudspeaker.Node.Audio.Opus;

/// <summary>
/// Encodes 20 ms frames of float samples to Opus for speech over weak links: the bit rate given (24 kb/s by default,
/// docs/protocol.md), in-band FEC on with the expected loss, so a receiver can rebuild one lost frame from the next.
/// </summary>
internal sealed class OpusFrameEncoder : IDisposable
{
    public const int DefaultBitrate = 24_000;
    public const int DefaultExpectedLossPercent = 10;

    private readonly IOpusEncoder _encoder;

    public OpusFrameEncoder(int bitrate = DefaultBitrate, int expectedLossPercent = DefaultExpectedLossPercent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bitrate, 6_000);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(bitrate, 510_000);
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLossPercent);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(expectedLossPercent, 100);
        _encoder = OpusCodecFactory.CreateEncoder(OpusFormat.SampleRate, OpusFormat.Channels, OpusApplication.OPUS_APPLICATION_VOIP);
        _encoder.Bitrate = bitrate;
        _encoder.UseInbandFEC = expectedLossPercent > 0;
        _encoder.PacketLossPercent = expectedLossPercent;
        IsNative = OpusFrameDecoder.IsNativeType(_encoder);
    }

    public bool IsNative { get; }

    /// <summary>Encodes exactly one frame into <paramref name="packet"/>; returns the packet's length.</summary>
    public int Encode(ReadOnlySpan<float> frame, Span<byte> packet)
    {
        if (frame.Length != OpusFormat.SamplesPerFrame)
        {
            throw new ArgumentException($"A frame holds {OpusFormat.SamplesPerFrame} samples, not {frame.Length}.", nameof(frame));
        }

        var written = _encoder.Encode(frame, OpusFormat.SamplesPerFrame, packet, packet.Length);
        return written > 0 ? written : throw new InvalidOperationException($"Opus could not encode the frame (error {written}).");
    }

    public void Dispose() => (_encoder as IDisposable)?.Dispose();
}
