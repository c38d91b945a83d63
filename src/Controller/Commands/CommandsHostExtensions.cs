namespace SmartLoudspeaker.Controller.Commands;

/// <summary>Composition of the technician's commands: issuing, their durable log, resending, acknowledgements.</summary>
public static class CommandsHostExtensions
{
    /// <summary>
    /// Registers the command services. They sign with the key ring and sequence numbers of
    /// <see cref="Security.SecurityHostExtensions.AddControllerSecurity"/>, which must be added too.
    /// </summary>
    public static WebApplicationBuilder AddControllerCommands(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSingleton<ICommandLog, DurableCommandLog>();
        services.AddSingleton<CommandService>();
        services.AddSingleton<IControlMessageSink, ControlMessageRouter>();
        services.AddSingleton<CommandResender>();

        // Hosted: it resends on its own timer, and building it builds CommandService, so the key ring and the sequence
        // file are loaded (and any problem with them reported) at start, not at the first command.
        services.AddHostedService(provider => provider.GetRequiredService<CommandResender>());
        return builder;
    }
}
