using System.Reflection;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Security;

/// <summary>Every way into a node is the verifier; these are its rules, one by one, for every command type.</summary>
public sealed class CommandVerifierTests : IDisposable
{
    private static readonly string[] Zones = ["thon-3"];
    private readonly TestKeys keys = new();
    private readonly TrustStore trust;

    public CommandVerifierTests()
    {
        trust = keys.NodeTrust();
    }

    /// <summary>Every command body in the protocol assembly, found by its attribute, so new commands join these tests.</summary>
    public static TheoryData<string> AllCommandTypes() => [.. CommandNamesInAssembly()];

    [Fact]
    public void Every_command_body_in_the_assembly_is_in_the_catalog()
    {
        Assert.Equal(CommandNamesInAssembly().Order(), CommandCatalog.Names.Order());
    }

    private static IEnumerable<string> CommandNamesInAssembly() =>
        typeof(CommandCatalog).Assembly.GetTypes()
            .Select(type => type.GetCustomAttribute<CommandTypeAttribute>()?.Name)
            .OfType<string>();

    [Theory]
    [MemberData(nameof(AllCommandTypes))]
    public void A_genuine_command_is_accepted(string type)
    {
        var verdict = Verify(keys.Controller.Sign(keys.Command(type, BodyFor(type))));

        Assert.True(verdict.Accepted, verdict.Refusal + " " + verdict.Detail);
    }

    [Theory]
    [MemberData(nameof(AllCommandTypes))]
    public void An_unsigned_command_is_refused(string type)
    {
        var signedBytes = WireCodec.Encode(keys.Command(type, BodyFor(type)));

        Assert.Equal(RefusalReasons.Malformed, Verify(signedBytes).Refusal);
        Assert.Equal(RefusalReasons.BadSignature, Verify(SignedPayloadCodec.Format(signedBytes, new byte[64])).Refusal);
    }

    [Theory]
    [MemberData(nameof(AllCommandTypes))]
    public void A_forged_command_is_refused(string type)
    {
        Assert.Equal(RefusalReasons.BadSignature, Verify(keys.Stranger.Sign(keys.Command(type, BodyFor(type)))).Refusal);
    }

    [Theory]
    [MemberData(nameof(AllCommandTypes))]
    public void An_expired_command_is_refused(string type)
    {
        var command = keys.Command(type, BodyFor(type), ts: TestKeys.Now.AddHours(-1));

        Assert.Equal(RefusalReasons.Expired, Verify(keys.Controller.Sign(command)).Refusal);
    }

    [Theory]
    [MemberData(nameof(AllCommandTypes))]
    public void A_replayed_command_is_refused(string type)
    {
        var envelope = keys.Controller.Sign(keys.Command(type, BodyFor(type)));
        Assert.True(Verify(envelope).Accepted);

        Assert.Equal(RefusalReasons.Replayed, Verify(envelope).Refusal);
    }

    [Fact]
    public void A_command_for_another_node_or_zone_is_refused()
    {
        Assert.Equal(RefusalReasons.WrongTarget, Verify(keys.Controller.Sign(keys.Command("identify", target: new CommandTarget { Node = "thon-2" }))).Refusal);
        Assert.Equal(RefusalReasons.WrongTarget, Verify(keys.Controller.Sign(keys.Command("identify", target: new CommandTarget { Zone = "thon-9" }))).Refusal);
        Assert.True(Verify(keys.Controller.Sign(keys.Command("identify", target: new CommandTarget { Zone = "thon-3" }))).Accepted);
        Assert.True(Verify(keys.Controller.Sign(keys.Command("identify", target: new CommandTarget { All = true }))).Accepted);
    }

    [Fact]
    public void A_command_from_the_future_is_refused()
    {
        var command = keys.Command("identify", ts: TestKeys.Now.AddMinutes(10));

        Assert.Equal(RefusalReasons.NotYetValid, Verify(keys.Controller.Sign(command)).Refusal);
    }

    [Fact]
    public void Moving_a_signed_command_to_another_target_breaks_its_signature()
    {
        var genuine = Encoding.UTF8.GetString(keys.Controller.Sign(keys.Command("identify", target: new CommandTarget { Node = "thon-2" })));

        var moved = genuine.Replace("\"node\":\"thon-2\"", "\"node\":\"thon-1\"", StringComparison.Ordinal);

        Assert.Equal(RefusalReasons.BadSignature, Verify(Encoding.UTF8.GetBytes(moved)).Refusal);
    }

    [Fact]
    public void Without_trusted_time_a_genuine_emergency_is_obeyed_and_its_replay_refused()
    {
        var untrusted = new TrustedTime(new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero), Trusted: false);
        var guard = new ReplayGuard(ReplayState.Empty);
        var envelope = keys.Controller.Sign(keys.Command("emergency-test", new EmergencyTestCommand { Note = "drill" }));

        Assert.True(Verify(envelope, untrusted, guard).Accepted);
        Assert.Equal(RefusalReasons.Replayed, Verify(envelope, untrusted, new ReplayGuard(guard.State)).Refusal);
    }

    [Fact]
    public void A_genuine_command_older_than_the_window_is_refused_as_too_old_and_one_just_inside_it_is_obeyed()
    {
        var guard = new ReplayGuard(ReplayState.Empty);
        const long Newest = 1_795_334_400_000_000;
        Assert.True(Verify(keys.Controller.Sign(keys.Command("identify", seq: Newest)), guard: guard).Accepted);

        var outside = Verify(keys.Controller.Sign(keys.Command("identify", seq: Newest - ReplayGuard.Window)), guard: guard);
        var inside = Verify(keys.Controller.Sign(keys.Command("identify", seq: Newest - ReplayGuard.Window + 1)), guard: guard);

        Assert.Equal(RefusalReasons.TooOld, outside.Refusal);
        Assert.True(inside.Accepted, inside.Refusal);
    }

    [Fact]
    public void Without_trusted_time_an_ordinary_command_waits_for_the_clock()
    {
        var untrusted = new TrustedTime(TestKeys.Now, Trusted: false);

        Assert.Equal(RefusalReasons.ClockUntrusted, Verify(keys.Controller.Sign(keys.Command("identify")), untrusted).Refusal);
    }

    [Fact]
    public void An_unknown_command_type_is_refused_even_when_genuine()
    {
        Assert.Equal(RefusalReasons.UnknownCommand, Verify(keys.Controller.Sign(keys.Command("open-the-gates"))).Refusal);
    }

    [Property(MaxTest = 300)]
    public Property A_genuine_envelope_with_any_byte_changed_is_never_obeyed()
    {
        var genuine = keys.Controller.Sign(keys.Command("identify"));
        var mutations = Gen.Choose(0, genuine.Length - 1).Zip(Gen.Choose(1, 255));

        return Prop.ForAll(mutations.ToArbitrary(), mutation =>
        {
            var mutated = (byte[])genuine.Clone();
            mutated[mutation.Item1] ^= (byte)mutation.Item2;

            return !Verify(mutated, guard: new ReplayGuard(ReplayState.Empty)).Accepted;
        });
    }

    [Property(MaxTest = 300)]
    public bool Random_bytes_are_never_obeyed(byte[] payload) =>
        !Verify(payload, guard: new ReplayGuard(ReplayState.Empty)).Accepted;

    public void Dispose()
    {
        trust.Dispose();
        keys.Dispose();
    }

    private static object? BodyFor(string type) => type switch
    {
        "set-heartbeat" => new SetHeartbeatCommand { HeartbeatSeconds = 60 },
        "emergency-test" => new EmergencyTestCommand { Note = "test" },
        "set-quiet-hours" => SetQuietHoursCommand.For(1, "Asia/Ho_Chi_Minh", Priority.QuietHours.Default),
        "stream-start" => Live.StreamCommandsTests.Start(),
        "stream-stop" => new StreamStopCommand { StreamId = "live-0042" },
        _ => null,
    };

    private readonly ReplayGuard sharedGuard = new(ReplayState.Empty);

    private CommandVerdict Verify(byte[] payload, TrustedTime? time = null, ReplayGuard? guard = null) =>
        new CommandVerifier(trust, guard ?? sharedGuard).Verify(payload, "thon-1", Zones, time ?? new TrustedTime(TestKeys.Now, Trusted: true));
}
