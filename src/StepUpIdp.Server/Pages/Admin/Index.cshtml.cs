using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary><c>/admin</c>: the organisations the signed-in account administers.</summary>
[Authorize(AuthenticationSchemes = SessionDefaults.Scheme)]
public sealed class IndexModel(OrganisationMemberships memberships) : PageModel
{
    public IReadOnlyList<(string Id, string Name)> Organisations { get; private set; } = [];

    public async Task OnGetAsync() =>
        Organisations = await memberships.AdministeredByAsync(
            SessionPrincipal.AccountId(User) ?? throw new InvalidOperationException("No session."), HttpContext.RequestAborted);
}
