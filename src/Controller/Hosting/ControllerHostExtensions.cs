using System.Text.Json.Serialization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Audit;
using SmartLoudspeaker.Controller.Commands.Storage;
using SmartLoudspeaker.Controller.Fleet;
using SmartLoudspeaker.Controller.Fleet.Storage;
using SmartLoudspeaker.Controller.Identity;
using SmartLoudspeaker.Controller.Infrastructure.Broker;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Accounts;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Mosquitto;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Refusals;
using SmartLoudspeaker.Controller.Infrastructure.Broker.Tls;
using SmartLoudspeaker.Controller.Infrastructure.Ingest;
using SmartLoudspeaker.Controller.Infrastructure.Metrics;
using SmartLoudspeaker.Controller.Infrastructure.Mqtt;
using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Zones;

namespace SmartLoudspeaker.Controller.Hosting;

/// <summary>Composition of the controller: options, store, broker, MQTT client, fleet view and HTTP services.</summary>
public static class ControllerHostExtensions
{
    /// <summary>Registers every controller service, with options bound from "Broker", "Store" and "Fleet".</summary>
    public static WebApplicationBuilder AddSmartLoudspeakerController(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        var configuration = builder.Configuration;

        services.AddOptions<BrokerOptions>().Bind(configuration.GetSection(BrokerOptions.SectionName)).ValidateOnStart();
        services.AddOptions<StoreOptions>().Bind(configuration.GetSection(StoreOptions.SectionName)).ValidateOnStart();
        services.AddOptions<FleetOptions>().Bind(configuration.GetSection(FleetOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BrokerOptions>, BrokerOptionsValidator>();
        services.AddSingleton<IValidateOptions<StoreOptions>, StoreOptionsValidator>();
        services.AddSingleton<IValidateOptions<FleetOptions>, FleetOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ControllerIdentity>();
        services.AddSingleton<ControllerMetrics>();

        // LiteDB in direct mode: one LiteDatabase per process, owned by the store engine (one writer thread), closed by
        // StoreStartup. Each feature registers its collections (IStoreSchema), its repository over the engine and, if it
        // has retention, its share of maintenance (IStoreMaintenance); docs/storage.md says how.
        services.TryAddSingleton<StoreFileSystem>();
        services.AddSingleton<StoreEngine>();
        services.AddSingleton<StoreMaintenance>();
        services.AddSingleton<IStoreSchema, FleetSchema>();
        services.AddSingleton<FleetRepository>();
        services.AddSingleton<IFleetStore>(provider => provider.GetRequiredService<FleetRepository>());
        services.AddSingleton<IStoreMaintenance>(provider => provider.GetRequiredService<FleetRepository>());
        services.AddSingleton<IStoreSchema, CommandSchema>();
        services.AddSingleton<CommandRepository>();
        services.AddSingleton<ICommandStore>(provider => provider.GetRequiredService<CommandRepository>());
        services.AddSingleton<IStoreMaintenance>(provider => provider.GetRequiredService<CommandRepository>());
        services.AddZoneRegistry();
        services.AddAuditTrail();
        services.AddSingleton<FleetRegistry>();
        services.AddNodeIdentity(configuration);
        services.AddSingleton<IngestPipeline>();
        services.AddSingleton<ControllerMqttClient>();
        services.AddSingleton<IMqttPublisher>(provider => provider.GetRequiredService<ControllerMqttClient>());
        services.AddSingleton<BrokerAccountDirectory>();
        services.AddSingleton<IBrokerAccountDirectory>(provider => provider.GetRequiredService<BrokerAccountDirectory>());
        services.AddSingleton<BrokerSecrets>();
        services.AddSingleton<ControllerBrokerCredentials>();
        services.AddSingleton<BrokerRefusalLog>();
        services.AddSingleton<EnrolmentSenders>();
        services.AddSingleton<BuiltInBrokerAccounts>();
        services.AddSingleton<MosquittoFileWriter>();
        services.AddSingleton<BrokerServerCertificate>();
        services.AddSingleton<EmbeddedBroker>();
        services.AddSingleton<MqttConnectionService>();
        services.AddSingleton<FleetSweeper>();

        // Hosted services start in this order: the store opens first, the broker listens before the client connects to it.
        services.AddHostedService<StoreStartup>();
        // The built-in accounts and the enrolled nodes are in the directory before either broker hears of them.
        services.AddHostedService(provider => provider.GetRequiredService<BuiltInBrokerAccounts>());
        services.AddHostedService<IdentityStartup>();
        services.AddHostedService(provider => provider.GetRequiredService<MosquittoFileWriter>());
        services.AddHostedService(provider => provider.GetRequiredService<EmbeddedBroker>());
        services.AddHostedService(provider => provider.GetRequiredService<MqttConnectionService>());
        services.AddHostedService(provider => provider.GetRequiredService<FleetSweeper>());
        services.AddHostedService(provider => provider.GetRequiredService<StoreMaintenance>());

        services.AddProblemDetails();
        services.AddOpenApi();
        services.ConfigureHttpJsonOptions(options => options.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return builder;
    }
}
