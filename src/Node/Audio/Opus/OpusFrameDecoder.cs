using Concentus;

namespace SmartLoudspeaker.Node.Audio.Opus;

/// <summary>
/// Turns Opus packets into 20 ms frames of float samples, and covers a lost one: from the redundancy the next packet
/// carries when it is already at hand (in-band FEC), otherwise by Opus's own concealment. Native libopus when the node
/// has it, Concentus's managed codec otherwise: Concentus finds only the unversioned <c>libopus.so</c>, which Debian
/// puts in libopus-dev, not in libopus0 (../shared/FACTS.md), so the node's set-up installs libopus-dev.
/// </summary>
internal sealed class OpusFrameDecoder : IDisposable
{
    private readonly IOpusDecoder _decoder;

    public OpusFrameDecoder()
    {
        _decoder = OpusCodecFactory.CreateDecoder(OpusFormat.SampleRate, OpusFormat.Channels);
        IsNative = IsNativeType(_decoder);
    }

    /// <summary>Whether native libopus decodes (reported in health; the managed codec costs about 1.6× the CPU).</summary>
    public bool IsNative { get; }

    /// <summary>Decodes one packet into <paramref name="frame"/> (at least one frame long); returns the samples written.</summary>
    /// <exception cref="InvalidDataException">The packet is not Opus (a corrupt packet: the caller conceals it instead).</exception>
    public int Decode(ReadOnlySpan<byte> packet, Span<float> frame)
    {
        if (packet.IsEmpty || packet.Length > OpusFormat.MaxPacketBytes)
        {
            throw new InvalidDataException($"An Opus packet is 1 to {OpusFormat.MaxPacketBytes} bytes, not {packet.Length}.");
        }

        CheckFrame(frame);
        return Checked(Attempt(packet, frame, fec: false));
    }

    /// <summary>Fills one frame for a packet that never came: the decoder's packet-loss concealment.</summary>
    public int Conceal(Span<float> frame)
    {
        CheckFrame(frame);
        return Checked(Attempt(ReadOnlySpan<byte>.Empty, frame, fec: false));
    }

    /// <summary>
    /// Fills the frame of a lost packet from the redundancy in <paramref name="nextPacket"/> (in-band FEC); a next packet
    /// without it gives concealment, as <see cref="Conceal"/> would. The next packet itself is decoded afterwards as usual.
    /// </summary>
    public int Recover(ReadOnlySpan<byte> nextPacket, Span<float> frame)
    {
        CheckFrame(frame);
        return Checked(Attempt(nextPacket, frame, fec: true));
    }

    public void Dispose() => (_decoder as IDisposable)?.Dispose();

    /// <summary>Concentus's native adapters are its <c>Native…</c> types; it says no more about which one it chose.</summary>
    internal static bool IsNativeType(object codec) => codec.GetType().Name.StartsWith("Native", StringComparison.Ordinal);

    /// <summary>Concentus reports a corrupt packet by throwing or by a negative count, depending on the codec behind it.</summary>
    private int Attempt(ReadOnlySpan<byte> packet, Span<float> frame, bool fec)
    {
        try
        {
            return _decoder.Decode(packet, frame, OpusFormat.SamplesPerFrame, fec);
        }
        catch (Exception exception) when (exception is not (OutOfMemoryException or InvalidDataException))
        {
            throw new InvalidDataException("Opus could not decode the packet: " + exception.Message, exception);
        }
    }

    private static void CheckFrame(Span<float> frame)
    {
        if (frame.Length < OpusFormat.SamplesPerFrame)
        {
            throw new ArgumentException($"A frame holds {OpusFormat.SamplesPerFrame} samples.", nameof(frame));
        }
    }

    private static int Checked(int written) =>
        written >= 0 ? written : throw new InvalidDataException($"Opus refused the packet (error {written}).");
}
