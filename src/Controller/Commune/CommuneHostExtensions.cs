using SmartLoudspeaker.Controller.Commune.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Commune;

/// <summary>Composition of the commune settings: their collection, repository, the settings in force and the quiet-hours reconciler.</summary>
internal static class CommuneHostExtensions
{
    /// <summary>
    /// Registers the settings. The reconciler issues signed commands, so <see cref="Commands.CommandsHostExtensions.AddControllerCommands"/>
    /// must be added too; it is hosted after the store's start-up (which the Controller's own services register first).
    /// </summary>
    public static WebApplicationBuilder AddCommuneSettings(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<IStoreSchema, CommuneSettingsSchema>();
        services.AddSingleton<ICommuneSettingsStore, CommuneSettingsRepository>();
        services.AddSingleton<CommuneSettingsService>();
        services.AddSingleton<QuietHoursReconciler>();
        services.AddHostedService(provider => provider.GetRequiredService<QuietHoursReconciler>());
        return builder;
    }
}
