using SmartLoudspeaker.Controller.Infrastructure.Storage;
using SmartLoudspeaker.Controller.Zones.Storage;

namespace SmartLoudspeaker.Controller.Zones;

/// <summary>Composition of the zone registry: its collection, its repository over the store engine and the registry.</summary>
internal static class ZonesHostExtensions
{
    public static IServiceCollection AddZoneRegistry(this IServiceCollection services)
    {
        services.AddSingleton<IStoreSchema, ZoneSchema>();
        services.AddSingleton<IZoneStore, ZoneRepository>();
        services.AddSingleton<ZoneRegistry>();
        services.AddSingleton<IZoneNames>(provider => provider.GetRequiredService<ZoneRegistry>());
        return services;
    }
}
