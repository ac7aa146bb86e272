using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Passwords;
using StepUpIdp.Infrastructure.Secrets;

namespace StepUpIdp.Server.Passwords;

/// <summary>What a password link can do now.</summary>
public enum PasswordLinkState
{
    /// <summary>Malformed, unknown or not matching: the page says the same as for a used one.</summary>
    Invalid = 0,
    Used,
    Expired,
    Usable,
}

public abstract record SetPasswordResult
{
    public sealed record Done(Account Account, PasswordLinkPurpose Purpose) : SetPasswordResult;

    /// <summary>The link cannot be used (see the state); nothing changed.</summary>
    public sealed record LinkUnusable(PasswordLinkState State) : SetPasswordResult;

    /// <summary>The password breaks a rule; the link stays usable.</summary>
    public sealed record Refused(PasswordVerdict Verdict) : SetPasswordResult;
}

/// <summary>
/// Single-use, 30-minute links to set or reset a password: issued for new accounts (bootstrap, invitations) and on
/// request, redeemed once on the set-password page. Redeeming is one conditional update ("not used, not expired"),
/// so two tabs racing with the same link cannot both set a password; it also ends the account's other open links.
/// </summary>
public sealed class PasswordLinks(StepUpDbContext db, IPasswordHasher<Account> hasher, AuditLog audit, TimeProvider clock)
{
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(30);

    public const string PagePath = "account/set-password";

    /// <summary>Adds a new link to the caller's unit of work and returns its address under <paramref name="root"/>.</summary>
    public Uri Stage(string accountId, PasswordLinkPurpose purpose, Uri root)
    {
        var secret = OpaqueSecret.Create();
        var now = clock.GetUtcNow();
        db.PasswordLinks.Add(new PasswordLink
        {
            Id = secret.Id,
            AccountId = accountId,
            Purpose = purpose,
            SecretHash = secret.Hash(),
            CreatedAt = now,
            ExpiresAt = now + Lifetime,
        });
        return new Uri(root, PagePath + "?token=" + Uri.EscapeDataString(secret.Presented));
    }

    public async Task<(PasswordLinkState State, PasswordLink? Link)> InspectAsync(string? token, CancellationToken cancellationToken)
    {
        var secret = OpaqueSecret.TryParse(token);
        if (secret is null)
        {
            return (PasswordLinkState.Invalid, null);
        }

        var link = await db.PasswordLinks.AsNoTracking().SingleOrDefaultAsync(l => l.Id == secret.Id, cancellationToken);
        if (link is null || !secret.Matches(link.SecretHash))
        {
            return (PasswordLinkState.Invalid, null);
        }

        var state = link.UsedAt is not null ? PasswordLinkState.Used
            : link.ExpiresAt <= clock.GetUtcNow() ? PasswordLinkState.Expired
            : PasswordLinkState.Usable;
        return (state, link);
    }

    public async Task<SetPasswordResult> SetPasswordAsync(string? token, string? password, CancellationToken cancellationToken)
    {
        var (state, link) = await InspectAsync(token, cancellationToken);
        if (state != PasswordLinkState.Usable || link is null)
        {
            return new SetPasswordResult.LinkUnusable(state);
        }

        var account = await db.Accounts.SingleAsync(a => a.Id == link.AccountId, cancellationToken);
        var orgs = await PersonalDetails.OrganisationsOfAsync(db, account.Id, cancellationToken);
        var verdict = PasswordRules.Check(password, PersonalDetails.Of(account, orgs));
        if (!verdict.Accepted)
        {
            return new SetPasswordResult.Refused(verdict);
        }

        var now = clock.GetUtcNow();
        var passwordHash = hasher.HashPassword(account, password!);
        // Serializable (retried on a conflict): two links of one account used at the same moment set one password,
        // and the other is told its link is used, instead of the two waiting on each other's rows.
        return await db.RunSerializableAsync<SetPasswordResult>(async ct =>
        {
            var claimed = await db.PasswordLinks
                .Where(l => l.Id == link.Id && l.UsedAt == null && l.ExpiresAt > now)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.UsedAt, now), ct);
            if (claimed != 1)
            {
                return new SetPasswordResult.LinkUnusable(PasswordLinkState.Used);
            }

            // Any other link of the account (an older reset, the invitation) is spent too.
            await db.PasswordLinks.Where(l => l.AccountId == link.AccountId && l.UsedAt == null)
                .ExecuteUpdateAsync(set => set.SetProperty(l => l.UsedAt, now), ct);

            var changed = await db.Accounts.SingleAsync(a => a.Id == link.AccountId, ct);
            changed.PasswordHash = passwordHash;
            changed.EmailVerified = true; // the link reached the mailbox
            changed.FailedPasswordAttempts = 0;
            changed.LockedUntil = null;
            var action = link.Purpose == PasswordLinkPurpose.SetPassword ? "account.password_set" : "account.password_reset";
            foreach (var (orgId, _) in orgs)
            {
                audit.Stage(new AuditEvent(orgId, action, "success", ActorId: changed.Id, SubjectId: changed.Id));
            }

            return new SetPasswordResult.Done(changed, link.Purpose);
        }, cancellationToken);
    }
}
