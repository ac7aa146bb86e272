using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>
/// Authenticator enrolments and recovery codes in the relational store. Secrets are encrypted at rest with
/// Data Protection under a purpose that names the account, so a row copied to another account does not decrypt.
/// </summary>
public sealed class AuthenticatorStore(StepUpDbContext db, IDataProtectionProvider protection)
{
    private readonly IDataProtector _protector = protection.CreateProtector("StepUpIdp.TwoStep.AuthenticatorSecret.v1");

    public Task<bool> IsEnrolledAsync(string accountId, CancellationToken cancellationToken) =>
        db.Set<AccountAuthenticator>().AnyAsync(a => a.AccountId == accountId, cancellationToken);

    /// <summary>The decrypted secret, or null when the account has no authenticator.</summary>
    public async Task<byte[]?> FindSecretAsync(string accountId, CancellationToken cancellationToken)
    {
        var row = await db.Set<AccountAuthenticator>().AsNoTracking().SingleOrDefaultAsync(a => a.AccountId == accountId, cancellationToken);
        return row is null ? null : _protector.CreateProtector(accountId).Unprotect(Convert.FromBase64String(row.ProtectedSecret));
    }

    /// <summary>
    /// Stages the replacement of any enrolment of the account, with new recovery codes; the caller saves it in its unit of
    /// work (a serializable transaction, so enrolments or removals at the same moment never fail half-way).
    /// </summary>
    public async Task StageEnrolmentAsync(string accountId, byte[] secret, long confirmedStep, IReadOnlyList<string> recoveryCodes,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await StageRemovalAsync(accountId, cancellationToken);
        db.Set<AccountAuthenticator>().Add(new AccountAuthenticator
        {
            AccountId = accountId,
            ProtectedSecret = Convert.ToBase64String(_protector.CreateProtector(accountId).Protect(secret)),
            EnrolledAt = now,
            LastUsedStep = confirmedStep,
        });
        for (var slot = 0; slot < recoveryCodes.Count; slot++)
        {
            db.Set<RecoveryCode>().Add(new RecoveryCode { AccountId = accountId, Slot = slot, Hash = RecoveryCodes.Hash(accountId, recoveryCodes[slot]) });
        }
    }

    /// <summary>
    /// Moves the last used step forward; false when <paramref name="step"/> is not newer (a replay, or an
    /// older code after a newer one). One conditional update, so two nodes cannot both accept a step.
    /// </summary>
    public async Task<bool> TryAdvanceStepAsync(string accountId, long step, CancellationToken cancellationToken) =>
        await db.Set<AccountAuthenticator>()
            .Where(a => a.AccountId == accountId && (a.LastUsedStep == null || a.LastUsedStep < step))
            .ExecuteUpdateAsync(s => s.SetProperty(a => a.LastUsedStep, step), cancellationToken) == 1;

    /// <summary>
    /// Spends a recovery code: true only the first time it is presented. One conditional update: the row lock makes
    /// uses at the same moment wait for each other, and only the first finds the code unused (docs/operations.md).
    /// </summary>
    public async Task<bool> TryUseRecoveryCodeAsync(string accountId, string code, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hash = RecoveryCodes.Hash(accountId, code);
        return await db.Set<RecoveryCode>()
            .Where(c => c.AccountId == accountId && c.Hash == hash && c.UsedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.UsedAt, now), cancellationToken) == 1;
    }

    public Task<int> RecoveryCodesLeftAsync(string accountId, CancellationToken cancellationToken) =>
        db.Set<RecoveryCode>().CountAsync(c => c.AccountId == accountId && c.UsedAt == null, cancellationToken);

    /// <summary>Stages the removal of the authenticator and its recovery codes (the caller saves it); false when there was none.</summary>
    public async Task<bool> StageRemovalAsync(string accountId, CancellationToken cancellationToken)
    {
        var authenticator = await db.Set<AccountAuthenticator>().SingleOrDefaultAsync(a => a.AccountId == accountId, cancellationToken);
        var codes = await db.Set<RecoveryCode>().Where(c => c.AccountId == accountId).ToListAsync(cancellationToken);
        db.Set<RecoveryCode>().RemoveRange(codes);
        if (authenticator is null)
        {
            return false;
        }

        db.Set<AccountAuthenticator>().Remove(authenticator);
        return true;
    }
}
