namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>The outcome of reading a packet's head from the bytes received so far.</summary>
internal enum HeadReading
{
    /// <summary>More bytes are needed before the head can be judged.</summary>
    NeedMore,

    /// <summary>The head is read.</summary>
    Complete,

    /// <summary>The remaining length runs over four bytes, which MQTT forbids (§2.2.3).</summary>
    Malformed,
}
