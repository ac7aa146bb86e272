using Microsoft.Extensions.DependencyInjection.Extensions;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>What the admin API and the admin pages share: policy editing, the external-user roster, memberships. Safe to call twice.</summary>
    public static IServiceCollection AddStepUpAdmin(this IServiceCollection services)
    {
        services.TryAddScoped<OrganisationMemberships>();
        services.TryAddScoped<ExternalPolicyEditor>();
        services.TryAddScoped<ExternalUserRoster>();
        return services;
    }
}
