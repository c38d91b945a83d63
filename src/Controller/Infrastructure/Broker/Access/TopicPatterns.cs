namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Access;

/// <summary>
/// MQTT topic matching, level by level: a pattern's <c>+</c> matches one level, a final <c>#</c> any number of levels
/// including none (so <c>a/#</c> matches <c>a</c>), as MQTT 3.1.1 §4.7 says.
/// </summary>
internal static class TopicPatterns
{
    /// <summary>True when the concrete <paramref name="topic"/> matches <paramref name="pattern"/>.</summary>
    public static bool Matches(string pattern, string topic) => Covers(pattern, topic);

    /// <summary>
    /// True when every topic <paramref name="filter"/> can match is matched by <paramref name="pattern"/>: a filter is
    /// granted only when it asks for nothing beyond what the pattern allows. A concrete topic is the simplest filter.
    /// </summary>
    public static bool Covers(string pattern, string filter)
    {
        var allowed = pattern.Split('/');
        var asked = filter.Split('/');
        for (var level = 0; level < asked.Length; level++)
        {
            if (level >= allowed.Length)
            {
                return false;
            }

            if (allowed[level] == "#")
            {
                return true;
            }

            // The filter's '#' asks for every depth from here on, which only a '#' in the pattern grants.
            if (asked[level] == "#")
            {
                return false;
            }

            if (allowed[level] == "+")
            {
                continue;
            }

            // A '+' in the filter asks for every value of the level; a literal in the pattern grants one.
            if (asked[level] == "+" || !string.Equals(allowed[level], asked[level], StringComparison.Ordinal))
            {
                return false;
            }
        }

        // The filter ended; the pattern matches it only when it ends too, or continues with a '#' (which matches its parent).
        return asked.Length == allowed.Length || (allowed.Length == asked.Length + 1 && allowed[^1] == "#");
    }
}
