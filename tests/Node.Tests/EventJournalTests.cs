using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Node.Tests;

public sealed class EventJournalTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("sl-outbox-").FullName;
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2025, 3, 1, 6, 0, 0, TimeSpan.Zero));
    private readonly ListLogger<EventJournalTests> _logger = new();

    private string JournalPath => Path.Combine(_directory, EventJournal.FileName);

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void Unacknowledged_events_survive_a_reopen_in_order_with_every_field()
    {
        using (var outbox = Open(capacity: 10))
        {
            outbox.Add(new PendingEvent("a", _time.GetUtcNow(), "fault.raised", EventSeverity.Fault, "overheat", "CPU 86.2 °C, \"hot\"\nline two"));
            outbox.Add(Event("b"));
            outbox.Add(Event("c"));
            Assert.Equal(1, outbox.Acknowledge(["b"]));
        }

        using var reopened = Open(capacity: 10);

        var events = reopened.NotSentIn(0);
        Assert.Equal(["a", "c"], events.Select(e => e.Id));
        Assert.Equal(new PendingEvent("a", _time.GetUtcNow(), "fault.raised", EventSeverity.Fault, "overheat", "CPU 86.2 °C, \"hot\"\nline two"), events[0]);
        Assert.Null(events[1].Code);
        Assert.Empty(_logger.Warnings);
    }

    [Fact]
    public void An_add_is_on_disk_when_it_returns()
    {
        using var outbox = Open(capacity: 10);
        outbox.Add(Event("a"));

        // Read while the journal is still open, as the file stands after a power cut at this instant.
        Assert.Contains("\"id\":\"a\"", File.ReadAllText(JournalPath), StringComparison.Ordinal);
    }

    [Fact]
    public void A_torn_last_line_is_skipped_with_a_warning_and_later_records_still_load()
    {
        using (var outbox = Open(capacity: 10))
        {
            outbox.Add(Event("a"));
            outbox.Add(Event("b"));
        }

        var complete = File.ReadAllBytes(JournalPath);
        var lastLine = Array.LastIndexOf(complete, (byte)'\n', complete.Length - 2) + 1;
        File.WriteAllBytes(JournalPath, complete[..(lastLine + ((complete.Length - lastLine) / 2))]);

        using (var outbox = Open(capacity: 10))
        {
            Assert.Equal(["a"], outbox.NotSentIn(0).Select(e => e.Id));
            Assert.Contains(_logger.Warnings, w => w.Contains("incomplete", StringComparison.Ordinal));
            outbox.Add(Event("c"));
        }

        using var again = Open(capacity: 10);
        Assert.Equal(["a", "c"], again.NotSentIn(0).Select(e => e.Id));
        Assert.Empty(_logger.Errors);
    }

    [Fact]
    public void Nul_padding_left_by_a_crash_is_ignored()
    {
        using (var outbox = Open(capacity: 10))
        {
            outbox.Add(Event("a"));
        }

        File.AppendAllText(JournalPath, new string('\0', 4096));

        using var reopened = Open(capacity: 10);
        Assert.Equal(["a"], reopened.NotSentIn(0).Select(e => e.Id));
        Assert.Empty(_logger.Errors);
    }

    [Theory]
    [InlineData("this is not json\n")]
    [InlineData("{\"op\":\"launch\",\"id\":\"x\"}\n")]
    [InlineData("{\"op\":\"add\",\"id\":\"x\",\"ts\":\"yesterday\",\"kind\":\"k\",\"severity\":\"Info\"}\n")]
    [InlineData("{\"op\":\"add\",\"id\":\"x\",\"ts\":\"2025-01-01T00:00:00Z\",\"kind\":\"k\",\"severity\":\"7\"}\n")]
    [InlineData("[1,2,3]\n")]
    public void A_damaged_file_is_moved_aside_with_an_error_and_the_outbox_starts_empty(string damage)
    {
        using (var outbox = Open(capacity: 10))
        {
            outbox.Add(Event("a"));
        }

        var good = File.ReadAllText(JournalPath);
        File.WriteAllText(JournalPath, damage + good);

        using (var outbox = Open(capacity: 10))
        {
            Assert.Equal(0, outbox.Count);
            outbox.Add(Event("b"));
        }

        var aside = Assert.Single(Directory.GetFiles(_directory, EventJournal.FileName + ".corrupt-*"));
        Assert.Equal(damage + good, File.ReadAllText(aside));
        Assert.Contains(_logger.Errors, e => e.Contains("moved to", StringComparison.Ordinal));
        using var reopened = Open(capacity: 10);
        Assert.Equal(["b"], reopened.NotSentIn(0).Select(e => e.Id));
    }

    [Fact]
    public void Compaction_keeps_the_journal_short_and_every_unacknowledged_event()
    {
        using (var outbox = Open(capacity: 1000))
        {
            for (var i = 0; i < 300; i++)
            {
                outbox.Add(Event($"e{i:000}"));
            }

            for (var i = 0; i < 300; i++)
            {
                if (i % 6 != 0)
                {
                    outbox.Acknowledge([$"e{i:000}"]);
                }
            }

            // 50 live events: without compaction the file would hold 300 adds and 250 acks.
            Assert.InRange(File.ReadAllLines(JournalPath).Length, 50, (2 * 50) + 64);
        }

        using var reopened = Open(capacity: 1000);
        Assert.Equal(
            Enumerable.Range(0, 300).Where(i => i % 6 == 0).Select(i => $"e{i:000}"),
            reopened.NotSentIn(0).Select(e => e.Id));
        Assert.Empty(Directory.GetFiles(_directory, "*.tmp"));
    }

    [Fact]
    public void The_capacity_drops_the_oldest_and_the_drop_is_kept()
    {
        using (var outbox = Open(capacity: 2))
        {
            outbox.Add(Event("a"));
            outbox.Add(Event("b"));
            Assert.Equal("a", outbox.Add(Event("c"))?.Id);
        }

        using (var reopened = Open(capacity: 2))
        {
            Assert.Equal(["b", "c"], reopened.NotSentIn(0).Select(e => e.Id));
        }

        using var smaller = Open(capacity: 1);
        Assert.Equal(["c"], smaller.NotSentIn(0).Select(e => e.Id));
        Assert.Contains(_logger.Warnings, w => w.Contains("over the capacity", StringComparison.Ordinal));
    }

    private EventOutbox Open(int capacity)
    {
        var journal = EventJournal.Open(_directory, _time, _logger, out var recovered);
        return new EventOutbox(capacity, journal, recovered, _logger);
    }

    private PendingEvent Event(string id) => new(id, _time.GetUtcNow(), "test.kind", EventSeverity.Info, null, null);
}
