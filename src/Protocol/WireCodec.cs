using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace SmartLoudspeaker.Protocol;

/// <summary>Encodes and decodes the JSON wire messages, refusing oversized, malformed, unversioned or invalid ones.</summary>
public static class WireCodec
{
    // Vietnamese text stays UTF-8 on the wire (2–3 bytes a letter) instead of six-byte \uXXXX escapes, and '+'
    // or '<' stay themselves. The relaxed encoder is unsafe only for JSON pasted into HTML, which these never are.
    private static readonly ProtocolJsonContext Context = new(
        new JsonSerializerOptions(ProtocolJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });

    /// <summary>UTF-8 JSON of <paramref name="message"/>.</summary>
    public static byte[] Encode<T>(T message)
        where T : class, IWireMessage =>
        JsonSerializer.SerializeToUtf8Bytes(message, TypeInfo<T>());

    /// <summary>Decodes and validates a payload of type <typeparamref name="T"/>; never throws on bad input.</summary>
    public static DecodeResult<T> Decode<T>(ReadOnlySpan<byte> payload)
        where T : class, IWireMessage
    {
        if (payload.Length > WireSchema.MaxJsonPayloadBytes)
        {
            return DecodeResult<T>.Fail(
                DecodeFailure.TooLarge, $"{payload.Length} bytes is over the {WireSchema.MaxJsonPayloadBytes}-byte limit");
        }

        var version = ReadVersion(payload);
        if (version is null)
        {
            return DecodeResult<T>.Fail(DecodeFailure.Malformed, "not a JSON object with a numeric \"v\"");
        }

        if (version != WireSchema.Version)
        {
            return DecodeResult<T>.Fail(DecodeFailure.UnsupportedVersion, $"schema version {version} is not supported");
        }

        T? message;
        try
        {
            message = JsonSerializer.Deserialize(payload, TypeInfo<T>());
        }
        catch (JsonException exception)
        {
            return DecodeResult<T>.Fail(DecodeFailure.Malformed, exception.Message);
        }

        if (message is null)
        {
            return DecodeResult<T>.Fail(DecodeFailure.Malformed, "null payload");
        }

        string? problem;
        try
        {
            problem = message.FindProblem();
        }
        catch (NullReferenceException)
        {
            // A JSON null in a non-nullable field passes the serializer; report it as the malformed input it is.
            return DecodeResult<T>.Fail(DecodeFailure.Malformed, "a required field is null");
        }

        return problem is null ? DecodeResult<T>.Ok(message) : DecodeResult<T>.Fail(DecodeFailure.Invalid, problem);
    }

    private static JsonTypeInfo<T> TypeInfo<T>() =>
        Context.GetTypeInfo(typeof(T)) as JsonTypeInfo<T>
        ?? throw new InvalidOperationException($"{typeof(T).Name} is not registered in {nameof(ProtocolJsonContext)}.");

    /// <summary>Reads the top-level "v" without materialising the document; null when absent or not an object.</summary>
    private static int? ReadVersion(ReadOnlySpan<byte> payload)
    {
        try
        {
            var reader = new Utf8JsonReader(payload, new JsonReaderOptions { MaxDepth = 16 });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }

            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isVersion = reader.ValueTextEquals("v"u8);
                if (!reader.Read())
                {
                    return null;
                }

                if (isVersion)
                {
                    return reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out var v) ? v : null;
                }

                reader.Skip();
            }

            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
