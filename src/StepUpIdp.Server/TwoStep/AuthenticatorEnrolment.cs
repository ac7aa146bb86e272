using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Redis.Totp;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.TwoStep;

/// <summary>A secret offered to the person, not yet confirmed: nothing is stored until a correct code comes back.</summary>
/// <param name="Token">The secret, encrypted and bound to the account, carried by the enrolment form for 15 minutes.</param>
public sealed record PendingEnrolment(string Token, string ManualKey, string OtpAuthUri, string QrCodeDataUri);

/// <summary>
/// Enrolling and removing an authenticator app. The secret travels in the enrolment form, encrypted for this
/// account and for 15 minutes, so an abandoned enrolment leaves nothing behind and never replaces a working one.
/// </summary>
public sealed class AuthenticatorEnrolment(
    AuthenticatorStore authenticators,
    TotpVerification verification,
    ITotpReplayGuard replay,
    StepUpDbContext db,
    AccountDirectory directory,
    AuditLog audit,
    IDataProtectionProvider protection,
    GuestMailQueue mail,
    IOptions<TwoStepOptions> options,
    TimeProvider clock)
{
    private static readonly TimeSpan PendingLifetime = TimeSpan.FromMinutes(15);
    private readonly ITimeLimitedDataProtector _pending =
        protection.CreateProtector("StepUpIdp.TwoStep.PendingEnrolment.v1").ToTimeLimitedDataProtector();

    public PendingEnrolment Start(string accountId, string email) =>
        Describe(email, TotpAlgorithm.NewSecret(), accountId);

    /// <summary>The same pending enrolment again (after a wrong code), or null when the token is forged, stale or someone else's.</summary>
    public PendingEnrolment? Resume(string accountId, string email, string? token) =>
        ReadToken(accountId, token) is { } secret ? Describe(email, secret, accountId) : null;

    /// <summary>
    /// Completes the enrolment when <paramref name="code"/> is current for the pending secret: stores the secret and
    /// ten recovery codes (returned, to be shown once) and tells the account's mailbox. The code proves only that the
    /// new secret was copied, not who holds it, so it is no verification: an authorization request that needs the
    /// authenticator asks for a later code (docs/security.md, "Recent strong sign-in").
    /// </summary>
    public async Task<IReadOnlyList<string>?> ConfirmAsync(string accountId, string email, string? token, string? code, OrganisationApp? app,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (ReadToken(accountId, token) is not { } secret
            || TotpAlgorithm.MatchStep(secret, code ?? string.Empty, now) is not { } step
            || !await replay.TryUseAsync(accountId, step, now))
        {
            return null;
        }

        // The audit lines are saved with the enrolment, or not at all; serializable (retried on a conflict).
        var organisations = await OrganisationsAsync(accountId, app, cancellationToken);
        var recoveryCodes = RecoveryCodes.Generate();
        await db.RunSerializableAsync(async ct =>
        {
            await authenticators.StageEnrolmentAsync(accountId, secret, step, recoveryCodes, now, ct);
            foreach (var organisationId in organisations)
            {
                audit.Stage(new AuditEvent(organisationId, AuditActions.TotpEnrolled, AuditOutcomes.Success, accountId, accountId,
                    app is null ? "authenticator app enrolled" : $"authenticator app enrolled during sign-in to {app.ClientId}"));
            }

            return true;
        }, cancellationToken);
        mail.Enqueue(SecurityNoticeEmail.Compose(SecurityNotice.AuthenticatorAdded, email, detail: null, now));
        return recoveryCodes;
    }

    /// <summary>Removes the authenticator after a fresh proof with it (a current code or a recovery code), and tells the mailbox.</summary>
    public async Task<TotpCheckResult> RemoveAsync(string accountId, string email, string code, bool recoveryCode, CancellationToken cancellationToken)
    {
        var result = await verification.CheckAsync(accountId, code, recoveryCode, cancellationToken);
        var organisations = await OrganisationsAsync(accountId, app: null, cancellationToken);
        if (result is not TotpCheckResult.Verified verified)
        {
            foreach (var organisationId in organisations)
            {
                audit.Stage(new AuditEvent(organisationId, AuditActions.TotpDisabled, AuditOutcomes.Failure, accountId, accountId, $"removal refused: {result.GetType().Name}"));
            }

            await db.SaveChangesAsync(cancellationToken);
            return result;
        }

        // The audit lines are saved with the removal. Two removals proven at the same moment (two recovery codes)
        // remove it once: the second finds none, and records only the code it spent.
        var removed = await db.RunSerializableAsync(async ct =>
        {
            var existed = await authenticators.StageRemovalAsync(accountId, ct);
            foreach (var organisationId in organisations)
            {
                if (existed)
                {
                    audit.Stage(new AuditEvent(organisationId, AuditActions.TotpDisabled, AuditOutcomes.Success, accountId, accountId, "authenticator app removed by its owner"));
                }

                if (verified.WithRecoveryCode)
                {
                    audit.Stage(new AuditEvent(organisationId, AuditActions.RecoveryCodeUsed, AuditOutcomes.Success, accountId, accountId, "recovery code to remove the authenticator app"));
                }
            }

            return existed;
        }, cancellationToken);
        if (removed)
        {
            mail.Enqueue(SecurityNoticeEmail.Compose(SecurityNotice.AuthenticatorRemoved, email, detail: null, clock.GetUtcNow()));
        }

        return result;
    }

    /// <summary>Removes an external user's authenticator on an org admin's word; the caller audits it.</summary>
    public Task<bool> ResetAsync(string accountId, CancellationToken cancellationToken) =>
        db.RunSerializableAsync(ct => authenticators.StageRemovalAsync(accountId, ct), cancellationToken);

    /// <summary>
    /// Where an account-level change is audited: the org whose sign-in it happened in, or else every org the account
    /// belongs to or holds a role in, so each org's admins see it.
    /// </summary>
    private async Task<IReadOnlyList<string>> OrganisationsAsync(string accountId, OrganisationApp? app, CancellationToken cancellationToken) =>
        app is not null ? [app.OrganisationId] : await directory.OrganisationsOfAsync(accountId, cancellationToken);

    private PendingEnrolment Describe(string email, byte[] secret, string accountId)
    {
        var token = _pending.Protect(accountId + "\n" + Convert.ToBase64String(secret), PendingLifetime);
        var uri = TotpAlgorithm.OtpAuthUri(options.Value.Issuer, email, secret);
        return new PendingEnrolment(token, TotpAlgorithm.ManualKey(secret), uri, QrCodeImage.PngDataUri(uri));
    }

    private byte[]? ReadToken(string accountId, string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 2048)
        {
            return null;
        }

        try
        {
            var payload = _pending.Unprotect(token).Split('\n');
            return payload.Length == 2 && payload[0] == accountId ? Convert.FromBase64String(payload[1]) : null;
        }
        catch (Exception ex) when (ex is CryptographicException or FormatException)
        {
            return null;
        }
    }
}
