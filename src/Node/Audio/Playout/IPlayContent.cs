namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// What a play sounds: mono 48 kHz samples addressed by content position, so the playout can start, skip and resume
/// anywhere (a late start skips what is late, a resume rewinds to before the cut) without the content keeping a cursor.
/// </summary>
internal interface IPlayContent
{
    /// <summary>
    /// Writes the content's samples from <paramref name="position"/> (in samples, 0 = its first) into
    /// <paramref name="output"/> and returns how many it wrote; fewer than <c>output.Length</c> means the content ends
    /// there. Called only from the playout loop.
    /// </summary>
    int Read(long position, Span<float> output);
}
