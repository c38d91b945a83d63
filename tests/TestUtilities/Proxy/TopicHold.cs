namespace SmartLoudspeaker.TestUtilities.Proxy;

/// <summary>
/// Holds the PUBLISH packets whose topic matches <see cref="TopicFilter"/> for <see cref="Delay"/> (± a uniform
/// <see cref="Jitter"/>) while every other packet passes: reordering between topics, which MQTT allows (a broker
/// orders messages per topic only), and with jitter within the topic too, as a broker's redelivery after a
/// reconnect can.
/// </summary>
public sealed record TopicHold
{
    /// <summary>Holds what matches <paramref name="topicFilter"/> (MQTT syntax: <c>+</c> one level, <c>#</c> the rest).</summary>
    public TopicHold(string topicFilter, TimeSpan delay, TimeSpan jitter = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(topicFilter);
        ArgumentOutOfRangeException.ThrowIfLessThan(delay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(jitter, TimeSpan.Zero);
        var hash = topicFilter.IndexOf('#', StringComparison.Ordinal);
        if (hash >= 0 && (hash != topicFilter.Length - 1 || (hash > 0 && topicFilter[hash - 1] != '/')))
        {
            throw new ArgumentException($"'#' must be the last level of a topic filter: '{topicFilter}'.", nameof(topicFilter));
        }

        TopicFilter = topicFilter;
        Delay = delay;
        Jitter = jitter;
    }

    /// <summary>Which topics are held.</summary>
    public string TopicFilter { get; }

    /// <summary>How long a matching publish is held before it joins the link's queue.</summary>
    public TimeSpan Delay { get; }

    /// <summary>Uniform variation of <see cref="Delay"/> by up to this much either way (never below zero).</summary>
    public TimeSpan Jitter { get; }

    /// <summary>Whether <paramref name="topic"/> matches the filter by MQTT's rules (a <c>$</c> topic only by a literal first level).</summary>
    public bool Matches(string topic)
    {
        ArgumentNullException.ThrowIfNull(topic);
        var filterLevels = TopicFilter.Split('/');
        var topicLevels = topic.Split('/');
        if (topic.StartsWith('$') && filterLevels[0] is "+" or "#")
        {
            return false;
        }

        for (var index = 0; index < filterLevels.Length; index++)
        {
            if (filterLevels[index] == "#")
            {
                return true;
            }

            if (index >= topicLevels.Length || (filterLevels[index] != "+" && filterLevels[index] != topicLevels[index]))
            {
                return false;
            }
        }

        return filterLevels.Length == topicLevels.Length;
    }
}
