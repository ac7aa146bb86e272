using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Pages;

/// <summary>The IdP's own home: who is signed in, and the account's pages. Where a sign-in with no app to return to lands.</summary>
public sealed class IndexModel(StepUpDbContext db) : PageModel
{
    public string? Email { get; private set; }
    public bool IsAdmin { get; private set; }

    public async Task OnGetAsync()
    {
        var session = await HttpContext.AuthenticateAsync(SessionDefaults.Scheme);
        if (!session.Succeeded || SessionPrincipal.AccountId(session.Principal!) is not { } accountId)
        {
            return;
        }

        Email = await db.Accounts.AsNoTracking().Where(a => a.Id == accountId).Select(a => a.Email).SingleOrDefaultAsync(HttpContext.RequestAborted);
        IsAdmin = Email is not null && await db.OrganisationMembers.AsNoTracking().AnyAsync(m => m.AccountId == accountId && m.IsAdmin, HttpContext.RequestAborted);
    }
}
