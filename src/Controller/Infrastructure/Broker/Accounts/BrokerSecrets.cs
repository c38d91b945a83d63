using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Protocol.Security;

namespace SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;

/// <summary>
/// The passwords of the Controller's and the observer's broker accounts, made at first start and kept in
/// <c>{Store:DataDirectory}/broker-secrets.json</c>, readable by its owner only and replaced atomically, so they
/// survive restarts (a technician's saved <c>mosquitto_sub</c> line, an external broker's password file). Loaded once.
/// </summary>
public sealed class BrokerSecrets
{
    /// <summary>File name inside the data folder.</summary>
    public const string FileName = "broker-secrets.json";

    private readonly Lazy<Stored> _stored;

    /// <summary>Created by dependency injection.</summary>
    public BrokerSecrets(IOptions<StoreOptions> store)
    {
        ArgumentNullException.ThrowIfNull(store);
        Path = System.IO.Path.Combine(System.IO.Path.GetFullPath(store.Value.DataDirectory), FileName);
        _stored = new Lazy<Stored>(LoadOrCreate, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>Where the secrets are kept.</summary>
    public string Path { get; }

    /// <summary>The Controller's own broker password.</summary>
    public string ControllerPassword => _stored.Value.Controller!;

    /// <summary>The observer account's password (shown to technicians).</summary>
    public string ObserverPassword => _stored.Value.Observer!;

    private Stored LoadOrCreate()
    {
        if (File.Exists(Path))
        {
            var stored = JsonSerializer.Deserialize<Stored>(File.ReadAllBytes(Path), Json);
            if (stored is { Controller.Length: > 0, Observer.Length: > 0 })
            {
                return stored;
            }

            throw new InvalidDataException($"{Path} lacks the controller or observer password; delete it to make new ones.");
        }

        var created = new Stored { Controller = BrokerPasswordHash.NewPassword(), Observer = BrokerPasswordHash.NewPassword() };
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(Path)!);
        PrivateFile.Replace(Path, JsonSerializer.SerializeToUtf8Bytes(created, Json), PrivateFile.OwnerOnly);
        return created;
    }

    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    private sealed class Stored
    {
        [JsonPropertyName("controller")]
        public string? Controller { get; set; }

        [JsonPropertyName("observer")]
        public string? Observer { get; set; }
    }
}
