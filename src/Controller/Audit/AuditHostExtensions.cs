using SmartLoudspeaker.Controller.Audit.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>Composition of the audit log: its collection and the trail every feature records into.</summary>
internal static class AuditHostExtensions
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<IStoreSchema, AuditSchema>();
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<AuditTrail>();
        return services;
    }
}
