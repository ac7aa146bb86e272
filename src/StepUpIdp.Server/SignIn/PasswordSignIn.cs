using Microsoft.AspNetCore.Identity;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.SignIn;

public abstract record PasswordSignInResult
{
    public sealed record Succeeded(Account Account) : PasswordSignInResult;

    /// <summary>Wrong email, wrong password, no password, or locked: callers show one message for all.</summary>
    public sealed record Failed : PasswordSignInResult;
}

/// <summary>Checks a password with lock-out after repeated failures, without revealing which accounts exist.</summary>
public sealed class PasswordSignIn(
    AccountDirectory directory,
    StepUpDbContext db,
    IPasswordHasher<Account> hasher,
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
            return new PasswordSignInResult.Failed();
        }

        var state = new PasswordLockoutState(account.FailedPasswordAttempts, account.LockedUntil);
        if (PasswordLockout.Default.Check(state, now) is PasswordAttemptDecision.Locked)
        {
            // Still verify, so a locked account answers in the same time as any other failure.
            hasher.VerifyHashedPassword(account, account.PasswordHash, password);
            Log.PasswordSignInFailed(logger, "locked");
            return new PasswordSignInResult.Failed();
        }

        var verdict = hasher.VerifyHashedPassword(account, account.PasswordHash, password);
        if (verdict == PasswordVerificationResult.Failed)
        {
            var after = PasswordLockout.Default.AfterFailure(state, now);
            (account.FailedPasswordAttempts, account.LockedUntil) = (after.ConsecutiveFailures, after.LockedUntil);
            if (after.LockedUntil is not null)
            {
                Log.AccountLocked(logger, account.Id);
            }

            await db.SaveChangesAsync(cancellationToken);
            Log.PasswordSignInFailed(logger, "wrong-password");
            return new PasswordSignInResult.Failed();
        }

        if (verdict == PasswordVerificationResult.SuccessRehashNeeded)
        {
            account.PasswordHash = hasher.HashPassword(account, password);
        }

        account.FailedPasswordAttempts = 0;
        account.LockedUntil = null;
        await db.SaveChangesAsync(cancellationToken);
        return new PasswordSignInResult.Succeeded(account);
    }
}
