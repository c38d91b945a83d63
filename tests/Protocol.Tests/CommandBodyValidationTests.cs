using SmartLoudspeaker.Protocol.Commands;

namespace SmartLoudspeaker.Protocol.Tests;

/// <summary>Each command body says what is wrong with it: the one rule the Controller's API, its pages and the node apply.</summary>
public sealed class CommandBodyValidationTests
{
    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(300, true)]
    [InlineData(301, false)]
    [InlineData(3600, false)]
    [InlineData(-1, false)]
    public void Set_heartbeat_accepts_10_to_300_seconds(int seconds, bool valid)
    {
        var problem = new SetHeartbeatCommand { HeartbeatSeconds = seconds }.Validate();
        Assert.Equal(valid, problem is null);
        if (!valid)
        {
            Assert.Contains("'heartbeatSeconds' must be 10–300,", problem, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(60, 60, true)]
    [InlineData(61, 60, false)]
    [InlineData(300, 3600, true)]
    [InlineData(301, 3600, false)]
    public void A_lower_maximum_narrows_set_heartbeat_and_a_higher_one_does_not_widen_it(int seconds, int max, bool valid) =>
        Assert.Equal(valid, new SetHeartbeatCommand { HeartbeatSeconds = seconds }.ValidateUpTo(max) is null);

    [Fact]
    public void An_emergency_test_note_is_at_most_256_characters()
    {
        Assert.Null(new EmergencyTestCommand().Validate());
        Assert.Null(new EmergencyTestCommand { Note = new string('x', 256) }.Validate());
        Assert.Equal("'note' is longer than 256 characters.", new EmergencyTestCommand { Note = new string('x', 257) }.Validate());
    }

    [Fact]
    public void Every_body_in_the_catalogue_validates_itself()
    {
        foreach (var name in CommandCatalog.Names)
        {
            Assert.True(typeof(ICommandBody).IsAssignableFrom(CommandCatalog.BodyType(name)), $"{name} has no Validate()");
        }
    }

    [Theory]
    [InlineData(1, "Asia/Ho_Chi_Minh", "21:30", "05:00", null)]
    [InlineData(2, "Asia/Ho_Chi_Minh", null, null, null)]
    [InlineData(3, "Asia/Ho_Chi_Minh", "11:00", "13:30", null)]
    [InlineData(0, "Asia/Ho_Chi_Minh", "21:30", "05:00", "'version' must be 1 or more, not 0.")]
    [InlineData(1, "", "21:30", "05:00", "'timeZone' must be an IANA time zone id of 1–64 characters.")]
    [InlineData(1, "Mars/Olympus", "21:30", "05:00", "'timeZone' 'Mars/Olympus' is not a time zone known here.")]
    [InlineData(1, "Asia/Ho_Chi_Minh", "21:30", null, "'start' and 'end' are both given (a window) or both absent (quiet hours off).")]
    [InlineData(1, "Asia/Ho_Chi_Minh", "9:30", "05:00", "'start' and 'end' must be local times as HH:mm, e.g. 21:30.")]
    [InlineData(1, "Asia/Ho_Chi_Minh", "21:30", "24:00", "'start' and 'end' must be local times as HH:mm, e.g. 21:30.")]
    [InlineData(1, "Asia/Ho_Chi_Minh", "21:30", "21:30", "'start' and 'end' must differ (leave both out for no quiet hours).")]
    public void Set_quiet_hours_names_what_is_wrong(long version, string zone, string? start, string? end, string? problem)
    {
        var body = new SetQuietHoursCommand { Version = version, TimeZone = zone, Start = start, End = end };
        Assert.Equal(problem, body.Validate());
    }

    [Fact]
    public void Set_quiet_hours_carries_a_window_across_midnight_as_local_times()
    {
        var body = SetQuietHoursCommand.For(9, "Asia/Ho_Chi_Minh", Priority.QuietHours.Default);

        Assert.Equal(("21:30", "05:00"), (body.Start, body.End));
        Assert.Equal(Priority.QuietHours.Default, body.Window);
        Assert.Null(SetQuietHoursCommand.For(9, "Asia/Ho_Chi_Minh", null).Window);
        Assert.Equal(
            "{\"version\":9,\"timeZone\":\"Asia/Ho_Chi_Minh\",\"start\":\"21:30\",\"end\":\"05:00\"}",
            CommandCatalog.WriteBody(body).GetRawText());
    }
}
