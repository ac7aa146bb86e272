using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Telemetry;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.SignIn;

public abstract record PasswordSignInResult
{
    public sealed record Succeeded(Account Account) : PasswordSignInResult;

    /// <summary>Wrong email, wrong password, no password, or locked: callers show one message for all.</summary>
    public sealed record Failed : PasswordSignInResult;

    /// <summary>
    /// The right password of an account its organisation deactivated. Only someone who knows the password learns
    /// this, so it tells outsiders nothing about which accounts exist.
    /// </summary>
    public sealed record Deactivated : PasswordSignInResult;
}

/// <summary>What a password check under the lock-out found.</summary>
public enum PasswordCheck
{
    /// <summary>The default, so an unset result fails closed.</summary>
    Wrong = 0,

    /// <summary>The account is locked: no password was checked.</summary>
    Locked,
    Right,
}

/// <summary>Checks a password with lock-out after repeated failures, without revealing which accounts exist.</summary>
public sealed class PasswordSignIn(
    AccountDirectory directory,
    StepUpDbContext db,
    IPasswordHasher<Account> hasher,
    AuditLog audit,
    TimeProvider clock,
    ILogger<PasswordSignIn> logger)
{
    private static readonly Account Placeholder = new() { Id = "-", Email = "-", NormalizedEmail = "-", Name = "-" };

    // Verified against when the account does not exist, so both paths take the same time.
    private static readonly Lazy<string> DummyHash = new(() =>
        new PasswordHasher<Account>().HashPassword(Placeholder, Guid.NewGuid().ToString("N")));

    public async Task<PasswordSignInResult> SignInAsync(string email, string password, CancellationToken cancellationToken)
    {
        var account = await directory.FindAccountByEmailAsync(email, cancellationToken);
        var now = clock.GetUtcNow();

        if (account?.PasswordHash is null)
        {
            hasher.VerifyHashedPassword(Placeholder, DummyHash.Value, password);
            Log.PasswordSignInFailed(logger, "unknown-or-passwordless");
            IdpMetrics.SignIn("unknown");
            return new PasswordSignInResult.Failed();
        }

        var check = await CheckCountedAsync(account, password, now, cancellationToken);
        if (check != PasswordCheck.Right)
        {
            Log.PasswordSignInFailed(logger, check == PasswordCheck.Locked ? "locked" : "wrong-password");
            IdpMetrics.SignIn(check == PasswordCheck.Locked ? "locked" : "wrong_password");
            await AuditAsync(account.Id, AuditOutcomes.Failure, check == PasswordCheck.Locked ? "password; account locked" : "password; wrong password", cancellationToken);
            return new PasswordSignInResult.Failed();
        }

        if (account.DeactivatedAt is not null)
        {
            Log.PasswordSignInFailed(logger, "deactivated");
            await AuditAsync(account.Id, AuditOutcomes.Denied, "password; account deactivated", cancellationToken);
            return new PasswordSignInResult.Deactivated();
        }

        await ClearFailuresAsync(account.Id, cancellationToken);
        IdpMetrics.SignIn("success");
        await AuditAsync(account.Id, AuditOutcomes.Success, "password", cancellationToken);
        return new PasswordSignInResult.Succeeded(account);
    }

    /// <summary>
    /// A sign-in of a known account is written to the audit log of every organisation it belongs to or holds a role in (docs/decisions.md,
    /// "Audit log"): a sign-in is not yet for one app, and each organisation sees its own people's. An unknown address
    /// belongs to no organisation, so only the log line records it.
    /// </summary>
    private async Task AuditAsync(string accountId, string outcome, string detail, CancellationToken cancellationToken)
    {
        foreach (var orgId in await directory.OrganisationsOfAsync(accountId, cancellationToken))
        {
            await audit.WriteAsync(new AuditEvent(orgId, AuditActions.SignedIn, outcome, ActorId: accountId, SubjectId: accountId, Detail: detail),
                cancellationToken);
        }
    }

    /// <summary>
    /// A signed-in person's current password (a password change): the same lock-out as sign-in counts the attempt, a
    /// locked account has no password checked, and a right one clears the count as a successful sign-in does.
    /// </summary>
    public async Task<PasswordCheck> CheckCurrentAsync(Account account, string password, CancellationToken cancellationToken)
    {
        if (account.PasswordHash is null)
        {
            return PasswordCheck.Wrong;
        }

        var check = await CheckCountedAsync(account, password, clock.GetUtcNow(), cancellationToken);
        if (check == PasswordCheck.Right)
        {
            await ClearFailuresAsync(account.Id, cancellationToken);
        }

        return check;
    }

    /// <summary>Counts the attempt (<see cref="CountAttemptAsync"/>), then checks the password unless the account is locked.</summary>
    private async Task<PasswordCheck> CheckCountedAsync(Account account, string password, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var counted = await CountAttemptAsync(account, now, cancellationToken);
        if (counted is null)
        {
            // Still verify, so a locked account answers in the same time as any other failure.
            hasher.VerifyHashedPassword(account, account.PasswordHash!, password);
            return PasswordCheck.Locked;
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash!, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            // The failure was stored before the check; nothing is left to write.
            if (counted.LockedUntil is not null)
            {
                Log.AccountLocked(logger, account.Id);
                IdpMetrics.LockedOut("password");
            }

            return PasswordCheck.Wrong;
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = hasher.HashPassword(account, password);
            await db.SaveChangesAsync(cancellationToken);
        }

        return PasswordCheck.Right;
    }

    private async Task ClearFailuresAsync(string accountId, CancellationToken cancellationToken)
    {
        var cleared = PasswordLockout.AfterSuccess();
        await db.Accounts.Where(a => a.Id == accountId).ExecuteUpdateAsync(set => set
            .SetProperty(a => a.FailedPasswordAttempts, cleared.ConsecutiveFailures)
            .SetProperty(a => a.LockedUntil, cleared.LockedUntil), cancellationToken);
    }

    /// <summary>
    /// Stores the attempt as a failure before the password is checked (<see cref="PasswordLockout.BeforeAttempt"/>),
    /// as a compare-and-swap on the stored state, retried when another request changed it first. Parallel guesses
    /// therefore each count, and no more passwords are checked than the lock-out allows. Null when locked.
    /// </summary>
    private async Task<PasswordLockoutState?> CountAttemptAsync(Account account, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var state = new PasswordLockoutState(account.FailedPasswordAttempts, account.LockedUntil);
        for (var round = 0; round < MaxCountRounds; round++)
        {
            if (PasswordLockout.Default.BeforeAttempt(state, now) is not { } counted)
            {
                return null;
            }

            var (failures, lockedUntil) = (state.ConsecutiveFailures, state.LockedUntil);
            var swapped = await db.Accounts
                .Where(a => a.Id == account.Id && a.FailedPasswordAttempts == failures && a.LockedUntil == lockedUntil)
                .ExecuteUpdateAsync(set => set
                    .SetProperty(a => a.FailedPasswordAttempts, counted.ConsecutiveFailures)
                    .SetProperty(a => a.LockedUntil, counted.LockedUntil), cancellationToken);
            if (swapped == 1)
            {
                return counted;
            }

            var stored = await db.Accounts.AsNoTracking().Where(a => a.Id == account.Id)
                .Select(a => new { a.FailedPasswordAttempts, a.LockedUntil })
                .SingleOrDefaultAsync(cancellationToken);
            if (stored is null)
            {
                return null;
            }

            state = new PasswordLockoutState(stored.FailedPasswordAttempts, stored.LockedUntil);
        }

        // Under contention this heavy, somebody is guessing: refuse rather than check without counting.
        return null;
    }

    // Each round lets at least one competing request through, so this bounds the wait, not the fairness.
    private const int MaxCountRounds = 32;
}
