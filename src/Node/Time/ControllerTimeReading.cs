namespace SmartLoudspeaker.Node.Time;

/// <summary>One reading of the Controller's clock, taken on the node.</summary>
/// <param name="ControllerNow">The Controller's time at the moment of reading.</param>
/// <param name="ErrorBound">How far <paramref name="ControllerNow"/> may be off: half the best round trip (the path's possible asymmetry) plus the drift's share.</param>
internal readonly record struct ControllerTimeReading(DateTimeOffset ControllerNow, TimeSpan ErrorBound);
