using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Protocol.Tests.Enrolment;

/// <summary>A token's proof binds one node id, key and password hash, and never carries the secret.</summary>
public sealed class EnrolmentTokenProofTests
{
    [Fact]
    public void A_new_token_parses_back_into_its_id_and_secret()
    {
        var token = EnrolmentTokenProof.NewToken(out var tokenId);

        Assert.True(EnrolmentTokenProof.TryParseToken(token, out var parsedId, out var secret));
        Assert.Equal(tokenId, parsedId);
        Assert.Equal(32, secret.Length);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("no-dot")]
    [InlineData(".secretonly")]
    [InlineData("Bad_Id.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("t1.short")]
    [InlineData("t1.not base64 at all!!")]
    public void A_token_of_another_shape_is_refused(string? token) =>
        Assert.False(EnrolmentTokenProof.TryParseToken(token, out _, out _));

    [Fact]
    public void The_proof_verifies_for_the_request_it_was_made_for_only()
    {
        Assert.True(EnrolmentTokenProof.TryParseToken(EnrolmentTokenProof.NewToken(out var tokenId), out _, out var secret));
        using var key = EcdsaP256.CreateKey();
        var request = Request("thon-3-nha-van-hoa", key, tokenId);
        var proof = EnrolmentTokenProof.Compute(secret, request.NodeId, request.PublicKey, request.PasswordHash);

        Assert.True(EnrolmentTokenProof.Verify(secret, request, proof));
        Assert.DoesNotContain(Convert.ToBase64String(secret), proof, StringComparison.Ordinal);
        Assert.False(EnrolmentTokenProof.Verify(secret, request with { NodeId = "thon-4" }, proof));
        Assert.False(EnrolmentTokenProof.Verify(secret, request with { PasswordHash = BrokerPasswordHash.Create("other") }, proof));
        using var otherKey = EcdsaP256.CreateKey();
        Assert.False(EnrolmentTokenProof.Verify(secret, request with { PublicKey = Convert.ToBase64String(otherKey.ExportSubjectPublicKeyInfo()) }, proof));
        Assert.False(EnrolmentTokenProof.Verify(new byte[32], request, proof));
        Assert.False(EnrolmentTokenProof.Verify(secret, request, null));
    }

    [Fact]
    public void A_request_names_its_first_problem()
    {
        using var key = EcdsaP256.CreateKey();
        var request = Request("thon-3", key, tokenId: null);

        Assert.Null(request.FindProblem());
        Assert.Equal("nodeId is not a valid id", (request with { NodeId = "Thon 3" }).FindProblem());
        Assert.Equal("zones must hold 1–16 valid zone ids", (request with { Zones = [] }).FindProblem());
        Assert.Equal("publicKey is not a P-256 SubjectPublicKeyInfo in base64", (request with { PublicKey = "AAAA" }).FindProblem());
        Assert.Equal("passwordHash is not a $7$ PBKDF2-SHA512 hash", (request with { PasswordHash = "plain" }).FindProblem());
        Assert.Equal("tokenId and tokenProof come together", (request with { TokenId = "t1" }).FindProblem());
    }

    [Fact]
    public void A_fingerprint_is_eight_groups_of_four_hex_digits_and_differs_per_key()
    {
        using var first = EcdsaP256.CreateKey();
        using var second = EcdsaP256.CreateKey();
        var print = KeyFingerprint.Of(first.ExportSubjectPublicKeyInfo());

        Assert.Matches("^[0-9a-f]{4}( [0-9a-f]{4}){7}$", print);
        Assert.NotEqual(print, KeyFingerprint.Of(second.ExportSubjectPublicKeyInfo()));
        Assert.Equal(print, KeyFingerprint.Of(first.ExportSubjectPublicKeyInfo()));
    }

    private static EnrolmentRequest Request(string nodeId, System.Security.Cryptography.ECDsa key, string? tokenId) => new()
    {
        NodeId = nodeId,
        Ts = new DateTimeOffset(2026, 12, 3, 6, 0, 0, TimeSpan.Zero),
        Zones = ["thon-3"],
        Hardware = new HardwareProfile { Model = "Raspberry Pi 4 Model B Rev 1.4", Serial = "10000000abcdef01" },
        Software = "0.1.0",
        PublicKey = Convert.ToBase64String(key.ExportSubjectPublicKeyInfo()),
        PasswordHash = BrokerPasswordHash.Create("secret"),
        TokenId = tokenId,
    };
}
