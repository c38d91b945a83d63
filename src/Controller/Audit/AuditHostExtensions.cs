using Microsoft.AspNetCore.Authorization;
using SmartLoudspeaker.Controller.Audit.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>Composition of the audit log: its collection, the trail every feature records into, and the record of refused requests.</summary>
internal static class AuditHostExtensions
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<IStoreSchema, AuditSchema>();
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<AuditTrail>();

        // Added before AddAuthorization, whose default it replaces (that one is only tried).
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        return services;
    }
}
