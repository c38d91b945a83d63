using SmartLoudspeaker.Node.Audio.Playout;

namespace SmartLoudspeaker.Node.Tests.Audio.Playout;

/// <summary>A flat level for a set number of samples: which play sounds, and at what gain, reads straight off a sample.</summary>
internal sealed class ConstantContent(float level, long length) : IPlayContent
{
    public int Read(long position, Span<float> output)
    {
        var count = (int)Math.Clamp(length - position, 0, output.Length);
        output[..count].Fill(level);
        return count;
    }
}
