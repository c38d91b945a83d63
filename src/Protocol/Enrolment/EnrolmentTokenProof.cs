using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SmartLoudspeaker.Protocol.Enrolment;

/// <summary>
/// How a node proves it was installed with an enrolment token without sending the token's secret: HMAC-SHA256 keyed
/// with the secret over <c>"sl-enrol-v1\n{nodeId}\n{publicKey}\n{passwordHash}"</c>. Someone who records the request
/// learns nothing reusable: the proof binds this node id to this key and this password hash. A token is written
/// <c>{tokenId}.{secret}</c> (the secret 32 random bytes, base64url), which is what an installer types or copies.
/// </summary>
public static class EnrolmentTokenProof
{
    private const string Context = "sl-enrol-v1";

    /// <summary>The proof, base64url.</summary>
    public static string Compute(ReadOnlySpan<byte> secret, string nodeId, string publicKey, string passwordHash)
    {
        var message = Encoding.UTF8.GetBytes($"{Context}\n{nodeId}\n{publicKey}\n{passwordHash}");
        return Base64Url.EncodeToString(HMACSHA256.HashData(secret, message));
    }

    /// <summary>True when <paramref name="proof"/> is the proof of <paramref name="secret"/> for this request.</summary>
    public static bool Verify(ReadOnlySpan<byte> secret, EnrolmentRequest request, string? proof)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (proof is null)
        {
            return false;
        }

        var expected = Encoding.ASCII.GetBytes(Compute(secret, request.NodeId, request.PublicKey, request.PasswordHash));
        return CryptographicOperations.FixedTimeEquals(expected, Encoding.ASCII.GetBytes(proof));
    }

    /// <summary>Splits a written token <c>{tokenId}.{secret}</c>; false when it is not of that shape.</summary>
    public static bool TryParseToken(string? token, out string tokenId, out byte[] secret)
    {
        tokenId = string.Empty;
        secret = [];
        var dot = token?.IndexOf('.', StringComparison.Ordinal) ?? -1;
        if (token is null || dot <= 0 || !Identifiers.IsValid(token[..dot]))
        {
            return false;
        }

        try
        {
            secret = Base64Url.DecodeFromChars(token.AsSpan(dot + 1));
        }
        catch (FormatException)
        {
            return false;
        }

        tokenId = token[..dot];
        return secret.Length >= 16;
    }

    /// <summary>A new token: a random id and a 32-byte secret, written <c>{tokenId}.{secret}</c>.</summary>
    public static string NewToken(out string tokenId)
    {
        tokenId = "t" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
        return tokenId + "." + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
    }
}
