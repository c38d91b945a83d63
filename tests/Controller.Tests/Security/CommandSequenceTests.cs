using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Controller.Security;
using SmartLoudspeaker.Controller.Tests.Support;

namespace SmartLoudspeaker.Controller.Tests.Security;

public sealed class CommandSequenceTests : IDisposable
{
    private static readonly DateTimeOffset Start = new(2026, 5, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly TemporaryDirectory _folder = new();
    private readonly FakeTimeProvider _clock = new(Start);

    [Fact]
    public void Numbers_strictly_increase_and_start_at_the_current_time_in_microseconds()
    {
        var sequence = new CommandSequence(_folder.Path, 1000, _clock);

        var numbers = Enumerable.Range(0, 5000).Select(_ => sequence.Next()).ToList();

        Assert.Equal(Micros(Start), numbers[0]);
        Assert.All(numbers.Zip(numbers.Skip(1)), pair => Assert.True(pair.Second > pair.First));
    }

    [Fact]
    public void No_number_is_issued_below_the_current_time_in_microseconds()
    {
        var sequence = new CommandSequence(_folder.Path, 1000, _clock);
        sequence.Next();

        _clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Equal(Micros(_clock.GetUtcNow()), sequence.Next());
    }

    [Fact]
    public void Every_issued_number_is_covered_by_the_reservation_on_disk_before_it_is_returned()
    {
        var sequence = new CommandSequence(_folder.Path, 100, _clock);

        for (var i = 0; i < 350; i++)
        {
            var issued = sequence.Next();
            Assert.True(issued <= OnDisk(), $"{issued} was returned while the file reserved only up to {OnDisk()}");
        }
    }

    [Fact]
    public void After_a_crash_the_next_run_issues_strictly_greater_numbers_even_with_the_clock_set_back()
    {
        var before = new CommandSequence(_folder.Path, 1000, _clock);
        var issued = Enumerable.Range(0, 10).Select(_ => before.Next()).ToList();

        // "Crash": the instance is dropped without any close; only what reached the disk survives. The clock of the
        // restarted machine is an hour behind (a Pi without its RTC), so time alone would go back.
        var restarted = new CommandSequence(_folder.Path, 1000, new FakeTimeProvider(Start.AddHours(-1)));

        Assert.True(restarted.Next() > issued.Max());
    }

    [Fact]
    public void A_restored_older_reservation_file_cannot_make_numbers_go_back_once_the_clock_has_passed_them()
    {
        var sequence = new CommandSequence(_folder.Path, 10, _clock);
        sequence.Next();
        var oldFile = File.ReadAllBytes(FilePath);
        var newest = Enumerable.Range(0, 50).Select(_ => sequence.Next()).Max();

        // A backup restored (or the file lost) later: the time floor alone keeps the next run above every number issued.
        File.WriteAllBytes(FilePath, oldFile);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var restored = new CommandSequence(_folder.Path, 10, _clock);

        Assert.True(restored.Next() > newest);
    }

    [Fact]
    public void A_damaged_reservation_file_stops_the_start_with_the_way_out()
    {
        File.WriteAllText(FilePath, "garbage");

        var refusal = Assert.Throws<InvalidDataException>(() => new CommandSequence(_folder.Path, 10, _clock));

        Assert.Contains("delete the file", refusal.Message, StringComparison.Ordinal);
    }

    public void Dispose() => _folder.Dispose();

    private string FilePath => Path.Combine(_folder.Path, CommandSequence.FileName);

    private long OnDisk() => long.Parse(File.ReadAllText(FilePath).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    private static long Micros(DateTimeOffset at) => (at - DateTimeOffset.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
}
