using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using SmartLoudspeaker.Protocol.Messages;

namespace SmartLoudspeaker.Protocol.Commands;

/// <summary>
/// Every command type of this protocol version. The list is explicit (no assembly scanning, so trimming keeps it
/// whole); a test scans for <see cref="CommandTypeAttribute"/> and fails when a command body is missing here.
/// </summary>
public static class CommandCatalog
{
    private static readonly Dictionary<string, (Type Body, CommandTypeAttribute Attribute)> ByName =
        new[] { typeof(IdentifyCommand), typeof(RebirthCommand), typeof(SetHeartbeatCommand), typeof(EmergencyTestCommand), typeof(RotateIdentityCommand), typeof(SetQuietHoursCommand), typeof(StreamStartCommand), typeof(StreamStopCommand), typeof(PlayToneCommand), typeof(StopPlayCommand) }
            .Select(type => (Type: type, Attribute: type.GetCustomAttribute<CommandTypeAttribute>()!))
            .ToDictionary(entry => entry.Attribute.Name, entry => (entry.Type, entry.Attribute), StringComparer.Ordinal);

    /// <summary>Wire names of every command.</summary>
    public static IReadOnlyCollection<string> Names => ByName.Keys;

    /// <summary>The wire name of a body type.</summary>
    public static string NameOf<TBody>() =>
        typeof(TBody).GetCustomAttribute<CommandTypeAttribute>()?.Name
        ?? throw new ArgumentException($"{typeof(TBody).Name} is not a command body.", nameof(TBody));

    /// <summary>True when <paramref name="name"/> is a known command.</summary>
    public static bool IsKnown(string name) => ByName.ContainsKey(name);

    /// <summary>True for emergency-class commands.</summary>
    public static bool IsEmergencyClass(string name) => ByName.TryGetValue(name, out var entry) && entry.Attribute.EmergencyClass;

    /// <summary>The body type of a command.</summary>
    public static Type BodyType(string name) =>
        ByName.TryGetValue(name, out var entry) ? entry.Body : throw new ArgumentException($"Unknown command '{name}'.", nameof(name));

    /// <summary>The body of <paramref name="command"/> as JSON serialisation options of the protocol read it; null when absent or malformed.</summary>
    public static TBody? ReadBody<TBody>(SignedCommand command)
        where TBody : class
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Body is not { } body)
        {
            return null;
        }

        try
        {
            return body.Deserialize(TypeInfo<TBody>());
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The body as a JSON element, for <see cref="SignedCommand.Body"/>.</summary>
    public static JsonElement WriteBody<TBody>(TBody body)
        where TBody : class =>
        JsonSerializer.SerializeToElement(body, TypeInfo<TBody>());

    private static JsonTypeInfo<TBody> TypeInfo<TBody>() =>
        ProtocolJsonContext.Default.GetTypeInfo(typeof(TBody)) as JsonTypeInfo<TBody>
        ?? throw new InvalidOperationException($"{typeof(TBody).Name} is not registered in {nameof(ProtocolJsonContext)}.");
}
