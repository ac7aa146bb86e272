using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Guests;

/// <summary>The answer to a guest's passcode: the account to sign in when it was right, and the store's answer either way.</summary>
public sealed record GuestPasscodeCheck(PasscodeVerifyResult Result, string? AccountId);

/// <summary>
/// Sign-in with an emailed passcode for guests of an app. Whoever types an address
/// gets the same treatment: an address with no guest grant on the app is keyed by
/// <see cref="PasscodeHashing.HashUnknownEmail"/>, so the send limits, lock-out, Redis and audit writes are the same;
/// only the email is left out, and that is sent off the request by <see cref="GuestMailQueue"/>, so not even the
/// answer's timing tells the two apart. A right passcode is also the org's external-user verification, which the
/// page records in the new sign-in session.
/// </summary>
public sealed class GuestPasscodeSignIn(
    StepUpDbContext db,
    IPasscodeChallengeStore challenges,
    PasscodeHashing hashing,
    GuestMailQueue mail,
    AuditLog audit,
    PasscodeLimits limits,
    TimeProvider clock)
{
    public TimeSpan Validity => limits.Validity;

    /// <summary>Throws <see cref="StepUpIdp.Infrastructure.Redis.VerificationStoreUnavailableException"/> when Redis is down.</summary>
    public async Task<PasscodeIssueResult> SendAsync(OrganisationApp app, string email, string clientIp, CancellationToken cancellationToken)
    {
        var guest = await FindGuestAsync(app, email, cancellationToken);
        var accountKey = guest ?? hashing.HashUnknownEmail(EmailAddress.Normalize(email));
        var result = await challenges.IssueAsync(new PasscodeSubject(app.OrganisationId, accountKey), clientIp, clock.GetUtcNow());

        if (result is PasscodeIssueResult.Issued issued && guest is not null)
        {
            mail.Enqueue(PasscodeEmail.Compose(app.OrganisationName, issued.Code, limits.Validity, email.Trim()));
        }

        // One audit line either way; an unknown address is not written down (it may be anyone's).
        var (action, outcome) = result is PasscodeIssueResult.Issued && guest is not null
            ? (AuditActions.PasscodeSent, AuditOutcomes.Success)
            : (AuditActions.PasscodeSendRefused, AuditOutcomes.Denied);
        await audit.WriteAsync(new AuditEvent(app.OrganisationId, action, outcome, guest, guest,
            $"guest sign-in to {app.ClientId}: {(guest is null ? "no guest invitation for the address given" : PasscodeAuditDetail.Of(result))}"), cancellationToken);
        return result;
    }

    /// <summary>Throws <see cref="StepUpIdp.Infrastructure.Redis.VerificationStoreUnavailableException"/> when Redis is down.</summary>
    public async Task<GuestPasscodeCheck> CheckAsync(OrganisationApp app, string email, string code, CancellationToken cancellationToken)
    {
        var guest = await FindGuestAsync(app, email, cancellationToken);
        var accountKey = guest ?? hashing.HashUnknownEmail(EmailAddress.Normalize(email));

        // Whole seconds, as PasscodeVerification does: verified_at/reverify_at are Unix seconds in tokens.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var result = await challenges.VerifyAsync(new PasscodeSubject(app.OrganisationId, accountKey), code, now);

        var verified = result is PasscodeVerifyResult.Verified && guest is not null;
        if (verified)
        {
            // The passcode proved the address.
            await db.Accounts.Where(a => a.Id == guest && !a.EmailVerified)
                .ExecuteUpdateAsync(set => set.SetProperty(a => a.EmailVerified, true), cancellationToken);
        }

        var (action, outcome) = result switch
        {
            PasscodeVerifyResult.Verified when verified => (AuditActions.Verified, AuditOutcomes.Success),
            PasscodeVerifyResult.Locked => (AuditActions.VerificationLocked, AuditOutcomes.Denied),
            _ => (AuditActions.VerificationFailed, AuditOutcomes.Failure),
        };
        await audit.WriteAsync(new AuditEvent(app.OrganisationId, action, outcome, guest, guest,
            $"guest sign-in to {app.ClientId} with email_otp: {PasscodeAuditDetail.Of(result)}"), cancellationToken);
        return new GuestPasscodeCheck(result, verified ? guest : null);
    }

    /// <summary>
    /// The account id when the address holds the guest grant on the app (it may be a user through a group:
    /// it still signs in here, and the authorization endpoint gives it its effective role). One query either way.
    /// </summary>
    private async Task<string?> FindGuestAsync(OrganisationApp app, string email, CancellationToken cancellationToken)
    {
        var normalized = EmailAddress.Normalize(email);
        // Direct guests (invitations) and members of a guest group with a guest role on the app. A deactivated
        // account is answered like an unknown address: no passcode is sent.
        var direct = from account in db.Accounts.AsNoTracking()
                     join grant in db.RoleGrants.AsNoTracking() on account.Id equals grant.AccountId
                     where account.NormalizedEmail == normalized && account.DeactivatedAt == null
                           && grant.AppClientId == app.ClientId && grant.Role == AppRole.Guest
                     select account.Id;
        var viaGroups = from account in db.Accounts.AsNoTracking()
                        join member in db.GroupMembers.AsNoTracking() on account.Id equals member.AccountId
                        join grant in db.GroupAppRoles.AsNoTracking() on member.GroupId equals grant.GroupId
                        where account.NormalizedEmail == normalized && account.DeactivatedAt == null
                              && grant.AppClientId == app.ClientId && grant.Role == AppRole.Guest
                        select account.Id;
        return await direct.Union(viaGroups).FirstOrDefaultAsync(cancellationToken);
    }
}
