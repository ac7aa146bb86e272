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
        services.TryAddScoped<Users.GuestAllowanceGuard>();
        services.TryAddScoped<Users.UserRoster>();
        services.TryAddScoped<Users.UserInvitations>();
        services.TryAddScoped<Users.UserAdministration>();
        services.TryAddScoped<Groups.GroupEditor>();
        return services;
    }
}
