using Microsoft.Extensions.Options;
using SmartLoudspeaker.Controller.Identity.Api;
using SmartLoudspeaker.Controller.Identity.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Identity;

/// <summary>Registers node identity and enrolment: options, store schema and repository, the enrolment service.</summary>
internal static class IdentityHostExtensions
{
    /// <summary>Adds the identity feature (its start-up is added by the caller, between the store and the broker).</summary>
    public static IServiceCollection AddNodeIdentity(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<EnrolmentOptions>().Bind(configuration.GetSection(EnrolmentOptions.SectionName)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<EnrolmentOptions>, EnrolmentOptionsValidator>();
        services.AddSingleton<IStoreSchema, IdentitySchema>();
        services.AddSingleton<IdentityRepository>();
        services.AddSingleton<IIdentityStore>(provider => provider.GetRequiredService<IdentityRepository>());

        // The broker's account directory (registered with the broker, which enforces it) is what approvals feed.
        services.AddSingleton<EnrolmentService>();
        services.AddSingleton<EnrolmentRefusalLog>();
        services.AddSingleton<IEnrolledNodes>(provider => provider.GetRequiredService<EnrolmentService>());
        services.AddSingleton<IdentityRotator>();
        services.AddSingleton<IdentityViewer>();
        return services;
    }
}
