using SmartLoudspeaker.Controller.Infrastructure.Broker.Access;

namespace SmartLoudspeaker.Controller.Tests.Broker;

public sealed class TopicPatternsTests
{
    [Theory]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/+", "a/b", true)]
    [InlineData("a/+", "a/b/c", false)]
    [InlineData("a/#", "a", true)]
    [InlineData("a/#", "a/b/c", true)]
    [InlineData("#", "a/b", true)]
    [InlineData("a/b", "a", false)]
    [InlineData("a/b", "a/c", false)]
    public void A_pattern_matches_topics_as_mqtt_says(string pattern, string topic, bool matches) =>
        Assert.Equal(matches, TopicPatterns.Matches(pattern, topic));

    [Theory]
    [InlineData("a/#", "a/#", true)]
    [InlineData("a/#", "a/+/c", true)]
    [InlineData("a/+", "a/+", true)]
    [InlineData("a/+/c", "a/+/c", true)]
    [InlineData("+/b", "a/b", true)]
    [InlineData("a/+", "a/#", false)]
    [InlineData("a/b", "a/+", false)]
    [InlineData("a/b", "a/#", false)]
    [InlineData("a/b/#", "a/#", false)]
    [InlineData("a/+/c", "a/+/+", false)]
    [InlineData("a/b", "#", false)]
    public void A_filter_is_covered_only_when_it_can_match_nothing_beyond_the_pattern(string pattern, string filter, bool covered) =>
        Assert.Equal(covered, TopicPatterns.Covers(pattern, filter));
}
