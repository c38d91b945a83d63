using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests.Reporting;

public sealed class EventOutboxTests
{
    [Fact]
    public void Oldest_event_is_dropped_when_full()
    {
        var outbox = new EventOutbox(2);
        Assert.Null(outbox.Add(Event("a")));
        Assert.Null(outbox.Add(Event("b")));

        var dropped = outbox.Add(Event("c"));

        Assert.Equal("a", dropped?.Id);
        Assert.Equal(2, outbox.Count);
        Assert.False(outbox.Contains("a"));
        Assert.Equal(["b", "c"], outbox.NotSentIn(0).Select(e => e.Id));
    }

    [Fact]
    public void Acknowledged_ids_are_removed_and_unknown_ids_ignored()
    {
        var outbox = new EventOutbox(10);
        outbox.Add(Event("a"));
        outbox.Add(Event("b"));

        Assert.Equal(1, outbox.Acknowledge(["a", "zzz"]));
        Assert.Equal(["b"], outbox.NotSentIn(0).Select(e => e.Id));
    }

    [Fact]
    public void Events_sent_on_a_connection_are_not_listed_again_for_it()
    {
        var outbox = new EventOutbox(10);
        var a = Event("a");
        outbox.Add(a);
        a.SentInConnection = 3;

        Assert.Empty(outbox.NotSentIn(3));
        Assert.Single(outbox.NotSentIn(4));
    }

    private static PendingEvent Event(string id) =>
        new(id, DateTimeOffset.UnixEpoch, "test.kind", EventSeverity.Info, null, null);
}
