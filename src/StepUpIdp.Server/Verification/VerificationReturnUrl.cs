using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Verification;

/// <summary>
/// Where a verification page returns to, and for which app it verifies: an authorization request
/// (<see cref="AuthorizeReturnUrl"/>, the app that asked) or one of the IdP's own pages (<see cref="PortalReturnUrl"/>,
/// the organisation's <see cref="AccountDirectory.FindPortalAsync"/>).
/// </summary>
public static class VerificationReturnUrl
{
    public static bool IsValid(string? returnUrl) => AuthorizeReturnUrl.IsValid(returnUrl) || PortalReturnUrl.IsValid(returnUrl);

    public static Task<OrganisationApp?> FindAppAsync(AccountDirectory directory, string? returnUrl, CancellationToken cancellationToken) =>
        AuthorizeReturnUrl.IsValid(returnUrl) ? directory.FindAppAsync(AuthorizeReturnUrl.ClientId(returnUrl!), cancellationToken)
        : PortalReturnUrl.IsValid(returnUrl) ? directory.FindPortalAsync(PortalReturnUrl.Organisation(returnUrl!), cancellationToken)
        : Task.FromResult<OrganisationApp?>(null);
}
