using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Tests;

/// <summary>The priority table of docs/protocol.md, row by row.</summary>
public sealed class PreemptionPolicyTests
{
    public static TheoryData<PriorityClass> AllClasses() => [.. Enum.GetValues<PriorityClass>()];

    [Theory]
    [MemberData(nameof(AllClasses))]
    public void Anything_plays_at_once_on_an_idle_target(PriorityClass incoming)
    {
        Assert.Equal(PreemptionDecision.Play, PreemptionPolicy.Decide(incoming, null));
    }

    [Theory]
    [InlineData(PriorityClass.Live)]
    [InlineData(PriorityClass.Priority)]
    [InlineData(PriorityClass.Normal)]
    [InlineData(PriorityClass.Background)]
    public void Emergency_preempts_every_lower_class(PriorityClass current)
    {
        Assert.Equal(PreemptionDecision.Preempt, PreemptionPolicy.Decide(PriorityClass.Emergency, current));
    }

    [Fact]
    public void A_later_emergency_supersedes_an_earlier_one()
    {
        Assert.Equal(PreemptionDecision.Supersede, PreemptionPolicy.Decide(PriorityClass.Emergency, PriorityClass.Emergency));
    }

    [Theory]
    [InlineData(PriorityClass.Live, PriorityClass.Priority, PreemptionDecision.Preempt)]
    [InlineData(PriorityClass.Live, PriorityClass.Normal, PreemptionDecision.Preempt)]
    [InlineData(PriorityClass.Live, PriorityClass.Background, PreemptionDecision.Preempt)]
    [InlineData(PriorityClass.Live, PriorityClass.Emergency, PreemptionDecision.Queue)]
    [InlineData(PriorityClass.Priority, PriorityClass.Normal, PreemptionDecision.Preempt)]
    [InlineData(PriorityClass.Priority, PriorityClass.Priority, PreemptionDecision.Queue)]
    [InlineData(PriorityClass.Priority, PriorityClass.Live, PreemptionDecision.Queue)]
    [InlineData(PriorityClass.Normal, PriorityClass.Background, PreemptionDecision.Preempt)]
    [InlineData(PriorityClass.Normal, PriorityClass.Normal, PreemptionDecision.Queue)]
    [InlineData(PriorityClass.Background, PriorityClass.Normal, PreemptionDecision.Queue)]
    [InlineData(PriorityClass.Background, PriorityClass.Background, PreemptionDecision.Queue)]
    public void Lower_and_equal_classes_queue_higher_ones_preempt(PriorityClass incoming, PriorityClass current, PreemptionDecision expected)
    {
        Assert.Equal(expected, PreemptionPolicy.Decide(incoming, current));
    }
}
