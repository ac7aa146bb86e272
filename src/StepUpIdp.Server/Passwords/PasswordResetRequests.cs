using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Passwords;
using StepUpIdp.Infrastructure.Redis.PasswordResets;
using StepUpIdp.Server.Guests;

namespace StepUpIdp.Server.Passwords;

/// <summary>
/// "I forgot my password": emails a reset link to an account that signs in with a password (or is a member of an
/// organisation, such as an invitee whose set-password link expired). Runs off the request, in
/// <see cref="PasswordResetQueue"/>'s worker: the page answers every address alike, in words and in time. Guests sign
/// in with codes and get no password this way.
/// Each account gets at most the reset emails <see cref="PasswordResetEmailLimit"/> allows; over it nothing is sent,
/// and the page has said the same as for any address.
/// </summary>
public sealed class PasswordResetRequests(
    StepUpDbContext db,
    PasswordLinks links,
    AuditLog audit,
    GuestMailQueue mail,
    PasswordResetSends sends,
    PasswordResetEmailLimit limit,
    TimeProvider clock,
    ILogger<PasswordResetRequests> logger)
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

        // Reserved before the decision, so requests on several nodes at once each count (docs/redis.md).
        var now = clock.GetUtcNow();
        var (sendId, earlier) = await sends.ReserveAsync(account.Id, now, limit.Window);
        if (limit.Decide(earlier, now) is not PasswordResetEmailDecision.Send)
        {
            await sends.ReleaseAsync(account.Id, sendId);
            PasswordLog.ResetEmailRefused(logger, account.Id);
            foreach (var (orgId, _) in orgs)
            {
                audit.Stage(new AuditEvent(orgId, "account.password_reset_requested", "denied", SubjectId: account.Id,
                    Detail: "too many reset emails: at most one in 30 seconds and 5 in 15 minutes"));
            }

            await db.SaveChangesAsync(cancellationToken);
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
