using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Tests;

public sealed class DecodePropertyTests
{
    [Property(MaxTest = 500)]
    public bool Decoding_arbitrary_bytes_never_throws_and_never_succeeds_without_a_message(byte[] payload)
    {
        var health = WireCodec.Decode<NodeHealth>(payload);
        var birth = WireCodec.Decode<NodeBirth>(payload);
        var envelope = CommandEnvelopeCodec.Parse(payload);

        return health.Succeeded == (health.Message is not null)
            && birth.Succeeded == (birth.Message is not null)
            && envelope.Succeeded == (envelope.Message is not null);
    }

    [Property(MaxTest = 500)]
    public Property A_mutated_valid_health_report_either_decodes_to_a_valid_message_or_is_refused()
    {
        var valid = WireCodec.Encode(SampleMessages.Health());
        var mutations = Gen.Choose(0, valid.Length - 1).Two().Select(pair => (Index: pair.Item1, Value: (byte)pair.Item2));

        return Prop.ForAll(mutations.ToArbitrary(), mutation =>
        {
            var mutated = (byte[])valid.Clone();
            mutated[mutation.Index] = mutation.Value;

            var result = WireCodec.Decode<NodeHealth>(mutated);

            return result.Succeeded ? result.Message!.FindProblem() is null : result.Failure != DecodeFailure.None;
        });
    }
}
