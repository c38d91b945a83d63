using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Commands;

namespace SmartLoudspeaker.Controller.Security;

/// <summary>Composition of signed control: keys, sequence numbers, commands, clock sync, and their metrics.</summary>
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
        services.AddSingleton<ICommandLog, DurableCommandLog>();
        services.AddSingleton<CommandService>();
        services.AddSingleton<ClockSyncResponder>();
        services.AddSingleton<IControlMessageSink, ControlMessageRouter>();
        services.AddSingleton<KeyPublisher>();
        services.AddSingleton<CommandResender>();

        // Hosted, so the key ring and the sequence file are loaded (and any problem with them reported) at start,
        // not at the first command.
        services.AddHostedService(provider => provider.GetRequiredService<KeyPublisher>());
        services.AddHostedService(provider => provider.GetRequiredService<CommandResender>());
        return builder;
    }
}
