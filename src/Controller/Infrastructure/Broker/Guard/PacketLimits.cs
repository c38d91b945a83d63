namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>The caps the guard holds every connection to, taken from <see cref="BrokerOptions"/> once at start.</summary>
internal sealed class PacketLimits
{
    /// <summary>The caps of <paramref name="options"/>; <paramref name="controllerClientId"/> is exempt from the publish rate.</summary>
    public PacketLimits(BrokerOptions options, string controllerClientId)
    {
        JsonPacketBytes = options.MaxJsonPacketBytes;
        AudioPacketBytes = options.MaxAudioPacketBytes;
        MediaPacketBytes = options.MaxMediaPacketBytes;
        ControlPacketBytes = options.MaxControlPacketBytes;
        PublishesPerSecond = options.MaxPublishesPerSecond;
        PublishBurst = options.PublishBurst;
        ControllerClientId = controllerClientId;
    }

    /// <summary>Largest PUBLISH on a JSON topic, whole packet.</summary>
    public int JsonPacketBytes { get; }

    /// <summary>Largest PUBLISH on an audio topic, whole packet.</summary>
    public int AudioPacketBytes { get; }

    /// <summary>Largest PUBLISH on a media topic, whole packet.</summary>
    public int MediaPacketBytes { get; }

    /// <summary>Largest packet of any other type (CONNECT, SUBSCRIBE, UNSUBSCRIBE, acknowledgements…).</summary>
    public int ControlPacketBytes { get; }

    /// <summary>Publishes per second a connection may keep up.</summary>
    public double PublishesPerSecond { get; }

    /// <summary>Publishes a connection may send at once before the rate applies.</summary>
    public int PublishBurst { get; }

    /// <summary>The controller's own client: exempt from the publish rate (it fans commands out to the whole fleet).</summary>
    public string ControllerClientId { get; }

    /// <summary>The cap for a packet with this head, and the setting that sets it (for the log line).</summary>
    public (int Bytes, string Setting) CapFor(PacketHead head) => head.Type != PacketHead.Publish
        ? (ControlPacketBytes, "Broker:MaxControlPacketBytes")
        : head.Topic switch
        {
            TopicClass.Json => (JsonPacketBytes, "Broker:MaxJsonPacketBytes"),
            TopicClass.Audio => (AudioPacketBytes, "Broker:MaxAudioPacketBytes"),
            TopicClass.Media => (MediaPacketBytes, "Broker:MaxMediaPacketBytes"),
            _ => Strictest(),
        };

    private (int Bytes, string Setting) Strictest()
    {
        var bytes = Math.Min(JsonPacketBytes, Math.Min(AudioPacketBytes, MediaPacketBytes));
        return (bytes, "the smallest of Broker:MaxJsonPacketBytes, MaxAudioPacketBytes and MaxMediaPacketBytes, as the topic is unreadable or an alias");
    }
}
