using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.TwoStep;

/// <summary>
/// Who is on a two-step page and, when an authorization request or a step-up of the IdP's own pages sent the person
/// there, for which app (<see cref="App"/> and <see cref="Subject"/> are then set).
/// </summary>
public sealed record TwoStepPageContext(string AccountId, string Email, CurrentSession Session, OrganisationApp? App, SubjectFacts? Subject)
{
    /// <summary>Null when nobody is signed in (or the account is gone).</summary>
    public static async Task<TwoStepPageContext?> LoadAsync(HttpContext http, StepUpDbContext db, AccountDirectory directory, string? returnUrl)
    {
        var session = await http.RequestServices.GetRequiredService<SignInSessions>().CurrentAsync(http);
        var accountId = session?.AccountId;
        var account = accountId is null ? null : await db.Accounts.AsNoTracking().SingleOrDefaultAsync(a => a.Id == accountId, http.RequestAborted);
        if (account is null)
        {
            return null;
        }

        var app = await VerificationReturnUrl.FindAppAsync(directory, returnUrl, http.RequestAborted);
        var subject = app is null ? null : await directory.DescribeAsync(account.Id, app, http.RequestAborted);
        return new TwoStepPageContext(account.Id, account.Email, session!, subject is null ? null : app, subject);
    }
}
