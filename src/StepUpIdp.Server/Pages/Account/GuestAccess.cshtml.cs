using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Guests;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Where a guest lands when the authorization endpoint refuses it (no space, or access ended): says so in words,
/// and who to ask. It reads the reason from the directory itself, so the address bar cannot make it say anything else.
/// </summary>
public sealed class GuestAccessModel(AccountDirectory directory, StepUpDbContext db, TimeProvider clock) : PageModel
{
    public string? ReturnUrl { get; private set; }
    public OrganisationApp? App { get; private set; }
    public GuestDeniedReason? Reason { get; private set; }
    public DateTimeOffset? EndedAt { get; private set; }
    public string? InvitedBy { get; private set; }

    public async Task OnGetAsync(string? returnUrl)
    {
        ReturnUrl = AuthorizeReturnUrl.IsValid(returnUrl) ? returnUrl : null;
        App = ReturnUrl is null ? null : await directory.FindAppAsync(AuthorizeReturnUrl.ClientId(ReturnUrl), HttpContext.RequestAborted);
        var session = await HttpContext.AuthenticateAsync(SessionDefaults.Scheme);
        var accountId = session.Succeeded ? SessionPrincipal.AccountId(session.Principal!) : null;
        var subject = App is null || accountId is null ? null : await directory.DescribeAsync(accountId, App, HttpContext.RequestAborted);
        if (subject is null)
        {
            return;
        }

        Reason = GuestSignInGate.Refusal(subject, clock.GetUtcNow());
        if (Reason is null)
        {
            return;
        }

        Response.StatusCode = StatusCodes.Status403Forbidden;
        EndedAt = subject.GuestAccessEndsAt;
        InvitedBy = await (
                from assignment in db.GuestAssignments.AsNoTracking()
                join admin in db.Accounts.AsNoTracking() on assignment.InvitedBy equals admin.Id
                where assignment.AppClientId == App!.ClientId && assignment.AccountId == subject.AccountId
                select admin.Email)
            .SingleOrDefaultAsync(HttpContext.RequestAborted);
    }

    public string EndedOn => EndedAt?.UtcDateTime.ToString("d MMMM yyyy 'at' HH:mm 'UTC'", CultureInfo.InvariantCulture) ?? string.Empty;
}
