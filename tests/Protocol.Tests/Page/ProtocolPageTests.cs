using System.Reflection;
using System.Text;
using System.Text.Json;
using SmartLoudspeaker.Protocol.Commands;
using SmartLoudspeaker.Protocol.Enrolment;
using SmartLoudspeaker.Protocol.Messages;
using SmartLoudspeaker.Protocol.Security;
using SmartLoudspeaker.Protocol.Tests.Page;

namespace SmartLoudspeaker.Protocol.Tests.Page;

/// <summary>
/// docs/protocol.md keeps the promise on its first lines: every announced example decodes with <see cref="WireCodec"/>
/// into its type, is exactly what the code writes, has the stated size and a genuine signature; every code the code
/// defines is in the page's tables, and nothing else is.
/// </summary>
public sealed class ProtocolPageTests
{
    private static readonly Assembly Protocol = typeof(WireCodec).Assembly;

    private readonly ProtocolPage page = ProtocolPage.Load();

    [Fact]
    public void Every_json_block_is_an_announced_example()
    {
        var unannounced = page.Blocks().Where(block => block.Language == "json" && block.What is null).ToList();

        Assert.True(unannounced.Count == 0, "Not announced by an \"Example: `Type`, N bytes\" line: " + string.Join(", ", unannounced));
    }

    [Fact]
    public void Every_wire_message_type_has_an_example()
    {
        var shown = page.Blocks().Select(block => block.What).ToHashSet(StringComparer.Ordinal);
        var messageTypes = Protocol.GetExportedTypes().Where(type => typeof(IWireMessage).IsAssignableFrom(type) && type.IsClass);

        Assert.Empty(messageTypes.Select(type => type.Name).Where(name => !shown.Contains(name)).Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_json_example_decodes_to_its_type_with_the_stated_size_and_is_what_the_code_writes()
    {
        var examples = page.Blocks().Where(block => block.What is not null && block.SignedBy is null && block.What != "root public key").ToList();
        Assert.NotEmpty(examples);

        foreach (var example in examples)
        {
            Assert.True(example.Language == "json", $"{example}: a JSON example is a json block");
            var bytes = Encoding.UTF8.GetBytes(example.CompactJson);
            var (message, reencoded) = Decode(example, bytes);

            Assert.True(bytes.AsSpan().SequenceEqual(reencoded), $"{example}: the code writes\n{Encoding.UTF8.GetString(reencoded)}");
            Assert.True(example.Size == bytes.Length, $"{example}: stated {example.Size} bytes, the payload is {bytes.Length}");
            AssertEmbeddedJsonMatchesItsType(example, message);
        }
    }

    [Fact]
    public void Every_signed_example_is_genuine_has_the_stated_size_and_a_p1363_signature()
    {
        var blocks = page.Blocks();
        var examples = blocks.Where(block => block.SignedBy is not null).ToList();
        Assert.NotEmpty(examples);
        var rootBlock = Assert.Single(blocks, block => block.What == "root public key");
        using var root = EcdsaP256.ImportPublicKey(Base64Url(Assert.Single(rootBlock.Content)));
        Assert.NotNull(root);

        foreach (var example in examples)
        {
            Assert.True(example.Language == "text" && example.Content.Count == 2, $"{example}: a signed example is a text block of two lines");
            var payload = Encoding.UTF8.GetBytes(example.Content[0] + "\n" + example.Content[1]);
            var (message, signedBytes, signature, reencoded) = DecodeSigned(example, payload);

            Assert.True(signedBytes.AsSpan().SequenceEqual(reencoded), $"{example}: the code writes\n{Encoding.UTF8.GetString(reencoded)}");
            Assert.True(example.Size == payload.Length, $"{example}: stated {example.Size} bytes, the payload is {payload.Length}");
            Assert.True(signature.Length == EcdsaP256.SignatureLength, $"{example}: the signature is {signature.Length} bytes, not the 64 of P1363");
            using var signer = example.SignedBy switch
            {
                "root" => null,
                PageExample.SignedBySelf => CarriedKey((EnrolmentRequest)message),
                { } by when by.StartsWith(PageExample.SignedByNodePrefix, StringComparison.Ordinal) => EnrolledKey(blocks, by[PageExample.SignedByNodePrefix.Length..]),
                var kid => CertifiedKey(blocks, kid!),
            };
            Assert.True(EcdsaP256.Verify(signer ?? root, signedBytes, signature), $"{example}: the signature does not verify");
            AssertEmbeddedJsonMatchesItsType(example, message);
        }
    }

    [Fact]
    public void Every_refusal_reason_and_only_those_is_in_the_reasons_table()
    {
        var codes = ConstantsOf(typeof(RefusalReasons));

        Assert.Equal(codes, FirstColumn("| reason |"));
    }

    [Fact]
    public void Every_capability_and_only_those_is_in_the_capabilities_table()
    {
        Assert.Equal(ConstantsOf(typeof(Capabilities)), FirstColumn("| capability |"));
    }

    [Fact]
    public void Every_command_type_and_only_those_is_in_the_commands_table_with_a_body_of_its_type()
    {
        var attributed = Protocol.GetTypes()
            .Select(type => type.GetCustomAttribute<CommandTypeAttribute>()?.Name)
            .OfType<string>()
            .Order(StringComparer.Ordinal);
        Assert.Equal(attributed, CommandCatalog.Names.Order(StringComparer.Ordinal));
        Assert.Equal(attributed, FirstColumn("| type | body |"));

        foreach (var row in page.Table("| type | body |"))
        {
            var bodyType = CommandCatalog.BodyType(ProtocolPage.Code(row[0])!);
            if (row[1] == "—")
            {
                Assert.True(bodyType.GetProperties().Length == 0, $"{row[0]} has a body ({bodyType.Name}) but the page shows none");
                continue;
            }

            var body = ProtocolPage.Code(row[1]);
            Assert.True(body is not null, $"{row[0]}: the body cell is neither — nor one `{{…}}`");
            AssertSameAsItsType(row[0], body!, bodyType);
        }
    }

    private string[] FirstColumn(string header)
    {
        var rows = page.Table(header);
        Assert.True(rows.Count > 0, $"docs/protocol.md has no table headed \"{header}\"");
        return [.. rows.Select(row => ProtocolPage.Code(row[0]) ?? row[0]).Order(StringComparer.Ordinal)];
    }

    private static string[] ConstantsOf(Type type) =>
        [.. type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(field => field.IsLiteral && field.FieldType == typeof(string))
            .Select(field => (string)field.GetRawConstantValue()!)
            .Order(StringComparer.Ordinal)];

    /// <summary>JSON the message holds as raw elements (a command's body, an acknowledgement's result) is exactly its type's JSON.</summary>
    private static void AssertEmbeddedJsonMatchesItsType(PageExample example, object message)
    {
        if (message is SignedCommand command)
        {
            Assert.True(CommandCatalog.IsKnown(command.Type), $"{example}: '{command.Type}' is not a command type");
            var bodyType = CommandCatalog.BodyType(command.Type);
            if (command.Body is { } body)
            {
                AssertSameAsItsType(example.ToString(), body.GetRawText(), bodyType);
            }
            else
            {
                Assert.True(bodyType.GetProperties().All(property => property.GetCustomAttribute<System.Runtime.CompilerServices.RequiredMemberAttribute>() is null),
                    $"{example}: '{command.Type}' needs a body");
            }
        }

        // An acknowledgement does not name its command's type: a result with a fingerprint answers "rotate-identity".
        if (message is CommandAck { Result: { } result })
        {
            AssertSameAsItsType(example.ToString(), result.GetRawText(), result.TryGetProperty("fingerprint", out _) ? typeof(RotatedIdentity) : typeof(NodeIdentity));
        }
    }

    private static void AssertSameAsItsType(string where, string json, Type type)
    {
        var typeInfo = ProtocolJsonContext.Default.GetTypeInfo(type)!;
        var written = JsonSerializer.Serialize(JsonSerializer.Deserialize(json, typeInfo), typeInfo);

        Assert.True(written == json, $"{where}: {json} is not a {type.Name}; as one it is {written}");
    }

    private static System.Security.Cryptography.ECDsa CarriedKey(EnrolmentRequest request) =>
        EcdsaP256.ImportPublicKey(request.PublicKeyBytes()) ?? throw new Xunit.Sdk.XunitException($"{request.NodeId}'s request carries no P-256 key.");

    private static System.Security.Cryptography.ECDsa EnrolledKey(IReadOnlyList<PageExample> blocks, string nodeId)
    {
        foreach (var block in blocks.Where(block => block.What == nameof(EnrolmentRequest) && block.Content.Count == 2))
        {
            var parsed = SignedPayloadCodec.Parse<EnrolmentRequest>(Encoding.UTF8.GetBytes(block.Content[0] + "\n" + block.Content[1]));
            if (parsed.Succeeded && parsed.Message!.Message.NodeId == nodeId)
            {
                return CarriedKey(parsed.Message.Message);
            }
        }

        throw new Xunit.Sdk.XunitException($"No EnrolmentRequest example on the page carries the key of node '{nodeId}'.");
    }

    private static System.Security.Cryptography.ECDsa CertifiedKey(IReadOnlyList<PageExample> blocks, string kid)
    {
        foreach (var block in blocks.Where(block => block.What == nameof(KeyCertificate) && block.Content.Count == 2))
        {
            var parsed = SignedPayloadCodec.Parse<KeyCertificate>(Encoding.UTF8.GetBytes(block.Content[0] + "\n" + block.Content[1]));
            if (parsed.Succeeded && parsed.Message!.Message.Kid == kid)
            {
                return EcdsaP256.ImportPublicKey(parsed.Message.Message.PublicKeyBytes())!;
            }
        }

        throw new Xunit.Sdk.XunitException($"No KeyCertificate example on the page certifies '{kid}'.");
    }

    private static (object Message, byte[] Reencoded) Decode(PageExample example, byte[] json)
    {
        var type = MessageType(example);
        var result = (object[])typeof(ProtocolPageTests).GetMethod(nameof(DecodeAs), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [json])!;
        Assert.True(result[0] is not null, $"{example}: WireCodec refuses it: {result[1]}");
        return (result[0], (byte[])result[2]);
    }

    private static (object Message, byte[] SignedBytes, byte[] Signature, byte[] Reencoded) DecodeSigned(PageExample example, byte[] payload)
    {
        var type = MessageType(example);
        var result = (object[])typeof(ProtocolPageTests).GetMethod(nameof(ParseSignedAs), BindingFlags.NonPublic | BindingFlags.Static)!
            .MakeGenericMethod(type).Invoke(null, [payload])!;
        Assert.True(result[0] is not null, $"{example}: SignedPayloadCodec refuses it: {result[1]}");
        return (result[0], (byte[])result[2], (byte[])result[3], (byte[])result[4]);
    }

    private static Type MessageType(PageExample example)
    {
        var type = Protocol.GetExportedTypes().SingleOrDefault(candidate => candidate.Name == example.What && typeof(IWireMessage).IsAssignableFrom(candidate));
        Assert.True(type is not null && typeof(IWireMessage).IsAssignableFrom(type), $"{example}: '{example.What}' is not a wire message type");
        return type!;
    }

    private static object?[] DecodeAs<T>(byte[] json)
        where T : class, IWireMessage
    {
        var result = WireCodec.Decode<T>(json);
        return [result.Message, result.Detail, result.Succeeded ? WireCodec.Encode(result.Message!) : null];
    }

    private static object?[] ParseSignedAs<T>(byte[] payload)
        where T : class, IWireMessage
    {
        var result = SignedPayloadCodec.Parse<T>(payload);
        return result.Succeeded
            ? [result.Message!.Message, null, result.Message.Payload.SignedBytes.ToArray(), result.Message.Payload.Signature, WireCodec.Encode(result.Message.Message)]
            : [null, result.Detail, null, null, null];
    }

    private static byte[] Base64Url(string text) => System.Buffers.Text.Base64Url.DecodeFromChars(text);
}
