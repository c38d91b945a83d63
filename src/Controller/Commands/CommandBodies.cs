using System.Text.Json;
using SmartLoudspeaker.Protocol;
using SmartLoudspeaker.Protocol.Commands;

namespace SmartLoudspeaker.Controller.Commands;

/// <summary>
/// Checks a requested command body against its type in <see cref="CommandCatalog"/> and puts it in the protocol's
/// wire form, so an operator's mistake is a 400 here rather than a "bad-body" refusal from every node later.
/// </summary>
internal static class CommandBodies
{
    /// <summary>
    /// The body as it goes into the signed part, or the problem with the request. A set-heartbeat may ask at most
    /// <paramref name="maxHeartbeatSeconds"/> (Fleet:MaxHeartbeat): the Controller would not believe a longer one.
    /// </summary>
    public static (JsonElement? Body, string? Problem) Normalize(string? type, JsonElement? body, int maxHeartbeatSeconds)
    {
        if (string.IsNullOrWhiteSpace(type))
        {
            return (null, $"'type' is required; one of: {KnownTypes()}.");
        }

        if (!CommandCatalog.IsKnown(type))
        {
            return (null, $"'{type}' is not a command type; one of: {KnownTypes()}.");
        }

        if (body is { ValueKind: not (JsonValueKind.Object or JsonValueKind.Null or JsonValueKind.Undefined) })
        {
            return (null, $"'body' of '{type}' must be a JSON object.");
        }

        var typeInfo = ProtocolJsonContext.Default.GetTypeInfo(CommandCatalog.BodyType(type))!;
        object? parsed;
        try
        {
            // An absent body reads as {}: a type without arguments is then fine, one with required arguments says which.
            parsed = body is { ValueKind: JsonValueKind.Object } given ? given.Deserialize(typeInfo) : JsonSerializer.Deserialize("{}", typeInfo);
        }
        catch (JsonException exception)
        {
            return (null, $"'body' does not fit '{type}': {exception.Message}");
        }

        // The rule of each body lives with the body in the protocol, where the node applies it too.
        var problem = parsed switch
        {
            null => $"'body' of '{type}' must be a JSON object.",
            SetHeartbeatCommand heartbeat => heartbeat.ValidateUpTo(maxHeartbeatSeconds),
            ICommandBody checkable => checkable.Validate(),
            _ => null,
        };
        return problem is null ? (JsonSerializer.SerializeToElement(parsed, typeInfo), null) : (null, problem);
    }

    private static string KnownTypes() => string.Join(", ", CommandCatalog.Names.Order(StringComparer.Ordinal));
}
