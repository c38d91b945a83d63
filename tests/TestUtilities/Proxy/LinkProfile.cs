namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// How one direction of a link misbehaves: latency, jitter, a bandwidth cap, loss of QoS 0 publishes, and publishes
/// held back by topic. Bytes are otherwise never reordered (a TCP link cannot do that): a unit that draws a long delay
/// holds back those behind it. Only a PUBLISH packet that a <see cref="Holds"/> rule matches is overtaken by later
/// packets, as a broker may deliver messages of different topics in another order than they were published.
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
    /// PUBLISH packets to hold back by topic; the first rule whose filter matches applies. A held packet joins the
    /// link's queue when its hold is over and goes out no earlier than its hold plus <see cref="Delay"/> after it was
    /// read, so packets read after it overtake it. With a jitter, packets of one held topic overtake each other too.
    /// </summary>
    public IReadOnlyList<TopicHold> Holds
    {
        get;
        init => field = value ?? throw new ArgumentNullException(nameof(value));
    } = [];

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
