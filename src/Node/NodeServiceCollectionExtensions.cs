using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SmartLoudspeaker.Node.Configuration;
using SmartLoudspeaker.Node.Hosting;

namespace SmartLoudspeaker.Node;

/// <summary>Registers the node (or the fleet simulator) in a generic host.</summary>
public static class NodeServiceCollectionExtensions
{
    /// <summary>
    /// Binds and validates section <c>"Node"</c> at start-up and adds either <see cref="FleetSimulator"/>
    /// (<c>Node:Simulation:Enabled</c>) or the single <see cref="NodeWorker"/>.
    /// </summary>
    public static IServiceCollection AddSmartLoudspeakerNode(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(NodeOptions.SectionName);
        services.AddOptions<NodeOptions>().Bind(section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        if (section.GetSection("Simulation").GetValue<bool>(nameof(SimulationOptions.Enabled)))
        {
            services.AddHostedService<FleetSimulator>();
        }
        else
        {
            services.AddHostedService<NodeWorker>();
        }

        return services;
    }
}
