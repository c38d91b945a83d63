using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using SmartLoudspeaker.Controller.Audit.Storage;
using SmartLoudspeaker.Controller.Infrastructure.Storage;

namespace SmartLoudspeaker.Controller.Audit;

/// <summary>Composition of the audit log: its collection, the trail every feature records into, and the records of refused requests and forms.</summary>
internal static class AuditHostExtensions
{
    public static IServiceCollection AddAuditTrail(this IServiceCollection services)
    {
        services.AddSingleton<IStoreSchema, AuditSchema>();
        services.AddSingleton<AuditRepository>();
        services.AddSingleton<AuditTrail>();

        // Added before AddAuthorization, whose default it replaces (that one is only tried).
        services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        services.AddSingleton<AntiforgeryAuditFilter>();
        services.Configure<MvcOptions>(options => options.Filters.AddService<AntiforgeryAuditFilter>());
        return services;
    }
}
