using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Passwords;

public enum PasswordChangeOutcome
{
    /// <summary>Nothing changed (the default, so an unset result fails closed).</summary>
    WrongCurrentPassword = 0,
    Refused,
    Changed,
}

/// <summary>A signed-in person changes their password by giving the current one.</summary>
public sealed class PasswordChange(StepUpDbContext db, IPasswordHasher<Account> hasher, AuditLog audit)
{
    public async Task<(PasswordChangeOutcome Outcome, PasswordVerdict? Verdict)> ChangeAsync(
        string accountId, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        var orgs = await PersonalDetails.OrganisationsOfAsync(db, account.Id, cancellationToken);
        if (account.PasswordHash is null || string.IsNullOrEmpty(currentPassword) || currentPassword.Length > 1024
            || hasher.VerifyHashedPassword(account, account.PasswordHash, currentPassword) == PasswordVerificationResult.Failed)
        {
            foreach (var (orgId, _) in orgs)
            {
                audit.Stage(new AuditEvent(orgId, "account.password_changed", "failure", ActorId: account.Id, SubjectId: account.Id, Detail: "wrong current password"));
            }

            await db.SaveChangesAsync(cancellationToken);
            return (PasswordChangeOutcome.WrongCurrentPassword, null);
        }

        var verdict = PasswordRules.Check(newPassword, PersonalDetails.Of(account, orgs));
        if (!verdict.Accepted)
        {
            return (PasswordChangeOutcome.Refused, verdict);
        }

        account.PasswordHash = hasher.HashPassword(account, newPassword!);
        foreach (var (orgId, _) in orgs)
        {
            audit.Stage(new AuditEvent(orgId, "account.password_changed", "success", ActorId: account.Id, SubjectId: account.Id));
        }

        await db.SaveChangesAsync(cancellationToken);
        return (PasswordChangeOutcome.Changed, verdict);
    }
}
