using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Protocol.Tests;

public sealed class QuietHoursTests
{
    [Theory]
    [InlineData(21, 29, false)]
    [InlineData(21, 30, true)]
    [InlineData(23, 59, true)]
    [InlineData(0, 0, true)]
    [InlineData(4, 59, true)]
    [InlineData(5, 0, false)]
    [InlineData(12, 0, false)]
    public void The_default_window_crosses_midnight(int hour, int minute, bool inside)
    {
        Assert.Equal(inside, QuietHours.Default.Contains(new TimeOnly(hour, minute)));
    }

    [Fact]
    public void A_window_within_one_day_works_too()
    {
        var siesta = new QuietHours(new TimeOnly(11, 30), new TimeOnly(13, 30));

        Assert.True(siesta.Contains(new TimeOnly(12, 0)));
        Assert.False(siesta.Contains(new TimeOnly(13, 30)));
    }

    [Theory]
    [InlineData(PriorityClass.Emergency, false, true)]
    [InlineData(PriorityClass.Live, false, false)]
    [InlineData(PriorityClass.Live, true, true)]
    [InlineData(PriorityClass.Priority, false, false)]
    [InlineData(PriorityClass.Normal, true, true)]
    [InlineData(PriorityClass.Background, false, false)]
    public void At_night_only_emergencies_sound_unless_signed_override(PriorityClass priorityClass, bool signedOverride, bool allowed)
    {
        Assert.Equal(allowed, QuietHours.Default.Allows(priorityClass, new TimeOnly(23, 0), signedOverride));
    }

    [Fact]
    public void In_daytime_every_class_sounds()
    {
        Assert.All(Enum.GetValues<PriorityClass>(), c => Assert.True(QuietHours.Default.Allows(c, new TimeOnly(6, 0), false)));
    }
}
