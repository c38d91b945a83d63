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
}
