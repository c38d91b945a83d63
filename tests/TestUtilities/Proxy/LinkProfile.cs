namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// How one direction of a link misbehaves: latency, jitter, a bandwidth cap and loss of QoS 0 publishes.
/// Bytes are never reordered (a TCP link cannot do that): a unit that draws a long delay holds back those behind it.
/// </summary>
public sealed record LinkProfile
{
    /// <summary>A link that forwards everything at once.</summary>
    public static LinkProfile Perfect { get; } = new();

    /// <summary>Latency added to every unit of bytes read from the sender.</summary>
    public TimeSpan Delay
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    }

    /// <summary>Uniform variation of <see cref="Delay"/> by up to this much either way (the total never goes below zero).</summary>
    public TimeSpan Jitter
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, TimeSpan.Zero);
            field = value;
        }
    }

    /// <summary>Bandwidth cap in bytes per second; <c>null</c> for none.</summary>
    public long? BytesPerSecond
    {
        get;
        init
        {
            if (value is { } rate)
            {
                ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rate);
            }

            field = value;
        }
    }

    /// <summary>
    /// Chance (0 to 1) that a QoS 0 PUBLISH packet is dropped whole; 1 drops them all. QoS 0 has no retry, so this
    /// is the loss an application sees; QoS 1 and 2 packets are never dropped (TCP does not lose bytes).
    /// </summary>
    public double DropQos0Probability
    {
        get;
        init
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 0);
            ArgumentOutOfRangeException.ThrowIfGreaterThan(value, 1);
            field = value;
        }
    }
}
