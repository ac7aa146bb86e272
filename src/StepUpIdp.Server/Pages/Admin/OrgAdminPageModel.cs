using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// A page under <c>/admin/{org}/...</c>: the browser session of an admin of that org, or nothing. Without a session
/// the cookie handler sends the person to sign in and back; a signed-in person who is not an admin of the org gets
/// the 403 page, and so does anyone asking for an org that does not exist, so the pages do not reveal which do.
/// Forms carry Razor Pages' antiforgery token. The pages need a one-time passcode or the authenticator app in this
/// session, and a change also a sign-in in the last 15 minutes: <see cref="PortalStepUp"/> asks for them as an app's
/// <c>acr_values</c> and <c>max_age</c> would (docs/security.md, "Recent strong sign-in"). A change refused for that is not lost
/// silently: the person comes back to the page after the step-up and makes it again.
/// </summary>
[Authorize(AuthenticationSchemes = SessionDefaults.Scheme)]
public abstract class OrgAdminPageModel : PageModel
{
    [FromRoute(Name = "org")]
    public string Org { get; set; } = string.Empty;

    public string OrganisationName { get; private set; } = string.Empty;

    /// <summary>The org's apps (client id, name), for the navigation to their guest lists.</summary>
    public IReadOnlyList<(string ClientId, string Name)> Apps { get; private set; } = [];

    protected string AdminId => SessionPrincipal.AccountId(User) ?? throw new InvalidOperationException("No session.");

    public override async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var accountId = SessionPrincipal.AccountId(User);
        if (accountId is null)
        {
            context.Result = Challenge(SessionDefaults.Scheme);
            return;
        }

        var services = HttpContext.RequestServices;
        var membership = await services.GetRequiredService<OrganisationMemberships>().FindAsync(Org, accountId, HttpContext.RequestAborted);
        if (membership is not { IsAdmin: true })
        {
            context.Result = StatusCode(StatusCodes.Status403Forbidden);
            return;
        }

        var change = !HttpMethods.IsGet(Request.Method) && !HttpMethods.IsHead(Request.Method);
        switch (await services.GetRequiredService<PortalStepUp>().CheckAsync(HttpContext, Org, PortalDemand.Admin(change)))
        {
            case PortalStepUpResult.StepUp step:
                context.Result = LocalRedirect(step.Url);
                return;
            case PortalStepUpResult.Refused:
                context.Result = StatusCode(StatusCodes.Status403Forbidden);
                return;
        }

        var db = services.GetRequiredService<StepUpDbContext>();
        OrganisationName = (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == Org, HttpContext.RequestAborted)).Name;
        Apps = (await db.Apps.AsNoTracking().Where(a => a.OrganisationId == Org).Select(a => new { a.ClientId, a.Name }).ToListAsync(HttpContext.RequestAborted))
            .OrderBy(a => a.Name, StringComparer.OrdinalIgnoreCase)
            .Select(a => (a.ClientId, a.Name))
            .ToList();
        await next();
    }
}
