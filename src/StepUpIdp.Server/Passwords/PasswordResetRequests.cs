using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Passwords;
using StepUpIdp.Server.Guests;

namespace StepUpIdp.Server.Passwords;

/// <summary>
/// "I forgot my password": emails a reset link to an account that signs in with a password (or is a member of an
/// organisation, such as an invitee whose set-password link expired). Runs off the request, in
/// <see cref="PasswordResetQueue"/>'s worker: the page answers every address alike, in words and in time. Guests sign
/// in with codes and get no password this way.
/// </summary>
public sealed class PasswordResetRequests(StepUpDbContext db, PasswordLinks links, AuditLog audit, GuestMailQueue mail)
{
    public async Task RequestAsync(string? email, Uri root, CancellationToken cancellationToken)
    {
        if (!EmailAddress.IsPlausible(email))
        {
            return;
        }

        var normalized = EmailAddress.Normalize(email!);
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        if (account is null)
        {
            return;
        }

        var orgs = await PersonalDetails.OrganisationsOfAsync(db, account.Id, cancellationToken);
        if (account.PasswordHash is null && orgs.Count == 0)
        {
            return;
        }

        var link = links.Stage(account.Id, PasswordLinkPurpose.ResetPassword, root);
        foreach (var (orgId, _) in orgs)
        {
            audit.Stage(new AuditEvent(orgId, "account.password_reset_requested", "success", SubjectId: account.Id));
        }

        await db.SaveChangesAsync(cancellationToken);
        mail.Enqueue(PasswordLinkEmail.Compose(PasswordLinkPurpose.ResetPassword, null, link, PasswordLinks.Lifetime, account.Email));
    }
}
