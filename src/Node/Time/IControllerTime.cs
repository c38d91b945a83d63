namespace SmartLoudspeaker.Node.Time;

/// <summary>
/// The Controller's clock as this node believes it, for timing audio: every node plays a sample when its estimate of
/// the Controller's clock reaches the sample's instant. Implemented by the authenticated clock; a fixed offset in tests.
/// </summary>
internal interface IControllerTime
{
    /// <summary>The Controller's time now, or null while the node has no estimate (no trusted sample yet).</summary>
    ControllerTimeReading? Read();
}
