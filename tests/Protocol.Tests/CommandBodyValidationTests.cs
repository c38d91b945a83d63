using SmartLoudspeaker.Protocol.Commands;

namespace SmartLoudspeaker.Protocol.Tests;

/// <summary>Each command body says what is wrong with it: the one rule the Controller's API, its pages and the node apply.</summary>
public sealed class CommandBodyValidationTests
{
    [Theory]
    [InlineData(9, false)]
    [InlineData(10, true)]
    [InlineData(3600, true)]
    [InlineData(3601, false)]
    [InlineData(-1, false)]
    public void Set_heartbeat_accepts_10_to_3600_seconds(int seconds, bool valid)
    {
        var problem = new SetHeartbeatCommand { HeartbeatSeconds = seconds }.Validate();
        Assert.Equal(valid, problem is null);
        if (!valid)
        {
            Assert.Contains("'heartbeatSeconds' must be 10–3600", problem, StringComparison.Ordinal);
        }
    }

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
