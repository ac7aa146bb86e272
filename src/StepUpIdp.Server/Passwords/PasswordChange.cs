using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Passwords;

public enum PasswordChangeOutcome
{
    /// <summary>Nothing changed (the default, so an unset result fails closed).</summary>
    WrongCurrentPassword = 0,

    /// <summary>Too many wrong passwords (at sign-in or here): the account is locked and no password was checked.</summary>
    Locked,
    Refused,
    Changed,
}

/// <summary>
/// A signed-in person changes their password by giving the current one. Wrong current passwords count towards the
/// account's password lock-out exactly as at sign-in (<see cref="PasswordSignIn.CheckCurrentAsync"/>), so a stolen
/// session cookie cannot be used to guess the password without limit.
/// </summary>
public sealed class PasswordChange(StepUpDbContext db, IPasswordHasher<Account> hasher, PasswordSignIn passwords, AuditLog audit)
{
    public async Task<(PasswordChangeOutcome Outcome, PasswordVerdict? Verdict)> ChangeAsync(
        string accountId, string? currentPassword, string? newPassword, CancellationToken cancellationToken)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, cancellationToken);
        var orgs = await PersonalDetails.OrganisationsOfAsync(db, account.Id, cancellationToken);
        var check = string.IsNullOrEmpty(currentPassword) || currentPassword.Length > 1024
            ? PasswordCheck.Wrong
            : await passwords.CheckCurrentAsync(account, currentPassword, cancellationToken);
        if (check != PasswordCheck.Right)
        {
            var locked = check == PasswordCheck.Locked;
            foreach (var (orgId, _) in orgs)
            {
                audit.Stage(new AuditEvent(orgId, "account.password_changed", "failure", ActorId: account.Id, SubjectId: account.Id,
                    Detail: locked ? "account locked after too many wrong passwords" : "wrong current password"));
            }

            await db.SaveChangesAsync(cancellationToken);
            return (locked ? PasswordChangeOutcome.Locked : PasswordChangeOutcome.WrongCurrentPassword, null);
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
