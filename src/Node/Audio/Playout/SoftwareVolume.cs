namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// Volume 0–100 as a gain. Linear in dB over <see cref="RangeDecibels"/> (100 = 0 dB, each step 0.5 dB, 0 = mute),
/// because loudness is heard logarithmically: a linear-amplitude knob does nothing audible over its top half and
/// everything in its last few steps. The site's configured maximum caps it (horns near houses).
/// </summary>
internal static class SoftwareVolume
{
    /// <summary>Range from volume 1 to 100.</summary>
    public const double RangeDecibels = 50;

    public static float Gain(int volume, int maximum)
    {
        var v = Math.Clamp(Math.Min(volume, maximum), 0, 100);
        return v == 0 ? 0f : (float)Math.Pow(10, (v - 100) * RangeDecibels / 100 / 20);
    }
}
