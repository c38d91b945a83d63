using Microsoft.Extensions.Options;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>Composition of signed control: keys, sequence numbers, clock sync, and their metrics.</summary>
public static class SecurityHostExtensions
{
    /// <summary>Registers the signed-control services, with options bound from "Security" and validated at start.</summary>
    public static WebApplicationBuilder AddControllerSecurity(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddOptions<SecurityOptions>().Bind(builder.Configuration.GetSection(SecurityOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>();

        services.AddSingleton<ControllerKeyRing>();
        services.AddSingleton(provider => new CommandSequence(
            provider.GetRequiredService<IOptions<Infrastructure.Storage.StoreOptions>>().Value.DataDirectory,
            provider.GetRequiredService<IOptions<SecurityOptions>>().Value.SequenceBlockSize,
            provider.GetRequiredService<TimeProvider>()));
        services.AddSingleton<SecurityMetrics>();
        services.AddSingleton<ClockSyncResponder>();
        services.AddSingleton<KeyPublisher>();

        // Hosted, so the key ring is loaded (and any problem with it reported) at start, not at the first command.
        services.AddHostedService(provider => provider.GetRequiredService<KeyPublisher>());
        return builder;
    }
}
