namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Guard;

/// <summary>
/// Sorts a topic into its size class, on the raw bytes (no string per packet). The audio and media trees are
/// <c>sl/v1/node/{id}/…</c>, <c>sl/v1/zone/{zone}/…</c> and <c>sl/v1/all/…</c>, followed by <c>audio/{stream}</c> or
/// <c>media/{mediaId}/{chunk}</c>; matched as the filters <c>sl/v1/+/+/audio/#</c> and <c>sl/v1/all/audio/#</c>
/// (media alike) would match them.
/// </summary>
internal static class TopicClasses
{
    /// <summary>The class of <paramref name="topic"/> (UTF-8, as on the wire).</summary>
    public static TopicClass Of(ReadOnlySpan<byte> topic)
    {
        if (!topic.StartsWith("sl/v1/"u8))
        {
            return TopicClass.Json;
        }

        var rest = topic["sl/v1/"u8.Length..];
        var first = Level(ref rest);
        if (first.SequenceEqual("all"u8))
        {
            return ClassOf(Level(ref rest));
        }

        _ = Level(ref rest);
        return ClassOf(Level(ref rest));
    }

    private static TopicClass ClassOf(ReadOnlySpan<byte> level) =>
        level.SequenceEqual("audio"u8) ? TopicClass.Audio
        : level.SequenceEqual("media"u8) ? TopicClass.Media
        : TopicClass.Json;

    /// <summary>Takes the next level off <paramref name="rest"/>; empty once the topic is used up.</summary>
    private static ReadOnlySpan<byte> Level(ref ReadOnlySpan<byte> rest)
    {
        var slash = rest.IndexOf((byte)'/');
        ReadOnlySpan<byte> level;
        if (slash < 0)
        {
            level = rest;
            rest = default;
        }
        else
        {
            level = rest[..slash];
            rest = rest[(slash + 1)..];
        }

        return level;
    }
}
