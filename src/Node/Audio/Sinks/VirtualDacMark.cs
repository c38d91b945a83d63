namespace SmartLoudspeaker.Node.Audio.Sinks;

/// <summary>
/// One write to the virtual DAC (or the part of it after a restart): which samples, what their first one stands for,
/// and when it came out. Kept in memory so tests and the skew benchmark compute errors without parsing the log.
/// </summary>
/// <param name="SampleIndex">Index of the first sample among everything the DAC has been given (its WAV file's index).</param>
/// <param name="SampleCount">How many samples the write put in, one after the other.</param>
/// <param name="ContentInstant">The Controller-clock instant the first sample stands for; null for silence.</param>
/// <param name="NodeEmitTime">When the first sample came out by the node's own clock (the DAC's crystal).</param>
/// <param name="TrueEmitTime">When the first sample came out in true time: the instant skew is measured at.</param>
internal readonly record struct VirtualDacMark(
    long SampleIndex,
    int SampleCount,
    DateTimeOffset? ContentInstant,
    DateTimeOffset NodeEmitTime,
    DateTimeOffset TrueEmitTime);
