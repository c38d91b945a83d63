using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Audio.Playout;

/// <summary>
/// The 20 ms linear ramps (<see cref="PreemptionPolicy.FadeOut"/>) that keep every cut and every begin from being a
/// click: a step from full scale to zero is a broadband pop on a horn, a 960-sample ramp is not. A fade-in is applied
/// on every begin, not only on a resume: a file need not start at a zero crossing either.
/// </summary>
internal static class FadeGain
{
    /// <summary>Length of a ramp in samples (960).</summary>
    public static readonly int Samples = (int)ControllerTimeline.ToSamples(PreemptionPolicy.FadeOut);

    /// <summary>Gain of the <paramref name="k"/>-th sample after a fade-in began: 0 before it, rising to 1.</summary>
    public static float In(long k) => k < 0 ? 0f : k >= Samples ? 1f : (k + 1f) / Samples;

    /// <summary>Gain of the <paramref name="k"/>-th sample after a fade-out began: 1 before it, 0 from its end on.</summary>
    public static float Out(long k) => k < 0 ? 1f : k >= Samples ? 0f : 1f - ((k + 1f) / Samples);
}
