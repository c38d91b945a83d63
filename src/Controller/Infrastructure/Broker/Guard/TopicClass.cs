namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>What a PUBLISH carries, judged from its topic: each class has its own packet-size cap.</summary>
internal enum TopicClass
{
    /// <summary>Any topic that is not audio or media: versioned JSON messages (health, events, commands, keys).</summary>
    Json,

    /// <summary><c>sl/v1/+/+/audio/#</c> and <c>sl/v1/all/audio/#</c>: live Opus packets.</summary>
    Audio,

    /// <summary><c>sl/v1/+/+/media/#</c> and <c>sl/v1/all/media/#</c>: chunks of stored media.</summary>
    Media,

    /// <summary>
    /// The topic cannot be read from the packet's head: empty (an MQTT 5 topic alias stands for it), longer than the
    /// guard looks, or cut short by the packet's own length. Held to the strictest cap, so an alias is no way around it.
    /// </summary>
    Unknown,
}
