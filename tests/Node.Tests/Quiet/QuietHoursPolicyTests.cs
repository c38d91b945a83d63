using Microsoft.Extensions.Time.Testing;
using SmartLoudspeaker.Node.Quiet;
using SmartLoudspeaker.Node.Reporting;
using SmartLoudspeaker.Node.Storage;
using SmartLoudspeaker.Node.Tests.Support;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Priority;

namespace SmartLoudspeaker.Node.Tests.Quiet;

/// <summary>The node's own quiet hours: decided on its injected clock in the commune's zone, kept across restarts.</summary>
public sealed class QuietHoursPolicyTests : IDisposable
{
    private static readonly TimeZoneInfo Vietnam = TimeZoneInfo.FindSystemTimeZoneById("Asia/Ho_Chi_Minh");
    private readonly string _data = Directory.CreateTempSubdirectory("sl-node-quiet-").FullName;
    private readonly ListLogger<QuietHoursPolicyTests> _logger = new();

    public void Dispose() => Directory.Delete(_data, recursive: true);

    [Theory]
    [InlineData("2026-05-01T14:59:59Z", false)] // 21:59:59 in Vietnam (UTC+7)
    [InlineData("2026-05-01T15:00:00Z", true)] // 22:00, the start is inside
    [InlineData("2026-05-01T16:59:00Z", true)] // 23:59
    [InlineData("2026-05-01T17:00:00Z", true)] // 00:00 the next day: the window crosses midnight
    [InlineData("2026-05-01T21:59:59Z", true)] // 04:59:59
    [InlineData("2026-05-01T22:00:00Z", false)] // 05:00, the end is outside
    [InlineData("2026-05-01T05:00:00Z", false)] // 12:00
    public void A_window_across_midnight_is_judged_on_the_communes_wall_clock(string instant, bool quiet)
    {
        var clock = new FakeTimeProvider(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture));
        var policy = new QuietHoursPolicy(clock, null, _logger);
        Assert.True(policy.Apply(new QuietHoursSetting(1, Vietnam, new QuietHours(new TimeOnly(22, 0), new TimeOnly(5, 0)))));

        Assert.Equal(quiet, policy.IsActive);
        Assert.Equal(!quiet, policy.Admits(PriorityClass.Normal));
        Assert.Equal(!quiet, policy.Admits(PriorityClass.Live));
        Assert.True(policy.Admits(PriorityClass.Emergency));
        Assert.True(policy.Admits(PriorityClass.Normal, hasSignedOverride: true));
    }

    [Fact]
    public void The_window_follows_the_clock_as_it_moves()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 14, 0, 0, TimeSpan.Zero));
        var policy = new QuietHoursPolicy(clock, null, _logger);
        policy.Apply(new QuietHoursSetting(1, Vietnam, new QuietHours(new TimeOnly(22, 0), new TimeOnly(5, 0))));

        Assert.True(policy.Admits(PriorityClass.Background));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.False(policy.Admits(PriorityClass.Background));
        Assert.False(policy.Admits(PriorityClass.Priority));
        clock.Advance(TimeSpan.FromHours(7));
        Assert.True(policy.Admits(PriorityClass.Priority));
    }

    [Fact]
    public void With_quiet_hours_off_everything_may_sound_at_any_hour()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 0, 0, 0, TimeSpan.Zero));
        var policy = new QuietHoursPolicy(clock, null, _logger);
        policy.Apply(new QuietHoursSetting(2, Vietnam, null));

        for (var hour = 0; hour < 24; hour++)
        {
            Assert.False(policy.IsActive);
            Assert.True(policy.Admits(PriorityClass.Normal));
            clock.Advance(TimeSpan.FromHours(1));
        }
    }

    [Fact]
    public void Before_any_controller_speaks_the_node_keeps_the_default_night_quiet()
    {
        var policy = new QuietHoursPolicy(new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 15, 0, 0, TimeSpan.Zero)), _data, _logger);

        Assert.Equal(0, policy.Setting.Version);
        Assert.Equal(QuietHours.Default, policy.Setting.Window);
        Assert.Equal("Asia/Ho_Chi_Minh", policy.Setting.Zone.Id);
        Assert.True(policy.IsActive); // 22:00 in Vietnam
        Assert.False(policy.Admits(PriorityClass.Normal));
    }

    [Fact]
    public void A_zone_with_daylight_saving_is_judged_by_that_days_wall_clock()
    {
        var berlin = TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");
        var setting = new QuietHoursSetting(1, berlin, new QuietHours(new TimeOnly(22, 0), new TimeOnly(6, 0)));

        // 20:30 UTC is 22:30 in summer (UTC+2) and 21:30 in winter (UTC+1).
        Assert.True(setting.IsQuietAt(new DateTimeOffset(2026, 7, 1, 20, 30, 0, TimeSpan.Zero)));
        Assert.False(setting.IsQuietAt(new DateTimeOffset(2026, 1, 15, 20, 30, 0, TimeSpan.Zero)));
    }

    [Fact]
    public void An_older_version_arriving_late_does_not_replace_a_newer_one_and_the_same_again_is_harmless()
    {
        var policy = new QuietHoursPolicy(TimeProvider.System, _data, _logger);
        var newer = new QuietHoursSetting(5, Vietnam, new QuietHours(new TimeOnly(23, 0), new TimeOnly(4, 0)));
        Assert.True(policy.Apply(newer));

        Assert.False(policy.Apply(new QuietHoursSetting(4, Vietnam, null)));
        Assert.Equal(newer, policy.Setting);
        Assert.True(policy.Apply(newer));
        Assert.Equal(newer, policy.Setting);
    }

    [Fact]
    public void The_setting_survives_a_restart_and_an_unreadable_file_falls_back_to_the_default()
    {
        var window = new QuietHours(new TimeOnly(22, 15), new TimeOnly(5, 45));
        new QuietHoursPolicy(TimeProvider.System, _data, _logger).Apply(new QuietHoursSetting(7, Vietnam, window));

        var restarted = new QuietHoursPolicy(TimeProvider.System, _data, _logger);
        Assert.Equal(7, restarted.Setting.Version);
        Assert.Equal(window, restarted.Setting.Window);
        Assert.Equal("Asia/Ho_Chi_Minh", restarted.Setting.Zone.Id);
        Assert.False(File.Exists(Path.Combine(_data, QuietHoursFile.FileName + ".tmp")));

        File.WriteAllText(Path.Combine(_data, QuietHoursFile.FileName), "{\"version\":8,\"timeZone\":\"Mars/Olympus\",\"start\":\"22:00\",\"end\":\"05:00\"}");
        var damaged = new QuietHoursPolicy(TimeProvider.System, _data, _logger);
        Assert.Equal(QuietHoursSetting.Default, damaged.Setting);
        Assert.Contains(_logger.Entries, entry => entry.Message.Contains(QuietHoursFile.FileName, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Health_reports_the_version_held_and_whether_quiet_hours_are_in_force()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 1, 15, 30, 0, TimeSpan.Zero));
        var policy = new QuietHoursPolicy(clock, null, _logger);
        policy.Apply(QuietHoursSetting.From(SetQuietHoursCommand.For(3, "Asia/Ho_Chi_Minh", new QuietHours(new TimeOnly(22, 0), new TimeOnly(5, 0))))!);
        var draft = new HealthReportDraft();

        await policy.ContributeAsync(draft, CancellationToken.None);

        Assert.Equal(3, draft.QuietHours!.Version);
        Assert.True(draft.QuietHours.Active);
    }
}
