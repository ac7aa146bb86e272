using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Passcodes;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Telemetry;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Verification;

/// <summary>
/// Emailed one-time passcodes for an account and an org: sends them within the
/// limits, checks them, records the verification and writes the audit log. Never logs a passcode.
/// Throws <see cref="StepUpIdp.Infrastructure.Redis.VerificationStoreUnavailableException"/> when Redis is down.
/// </summary>
public sealed class PasscodeVerification(
    IPasscodeChallengeStore challenges,
    SignInSessions sessions,
    IEmailSender email,
    AuditLog audit,
    PasscodeLimits limits,
    TimeProvider clock,
    ILogger<PasscodeVerification> logger)
{
    public TimeSpan Validity => limits.Validity;

    public async Task<PasscodeIssueResult> SendAsync(OrganisationApp app, SubjectFacts subject, string clientIp, CancellationToken cancellationToken)
    {
        var passcodeSubject = new PasscodeSubject(app.OrganisationId, subject.AccountId);
        var result = await challenges.IssueAsync(passcodeSubject, clientIp, clock.GetUtcNow());
        if (result is PasscodeIssueResult.Issued issued)
        {
            try
            {
                await email.SendAsync(PasscodeEmail.Compose(app.OrganisationName, issued.Code, limits.Validity, subject.Email), cancellationToken);
            }
            catch (EmailDeliveryException ex)
            {
                // Nothing reached the person: the send must not spend their allowance (an SMTP outage would lock
                // everyone out of sending for the whole window otherwise).
                VerificationLog.PasscodeDeliveryFailed(logger, subject.Email[(subject.Email.LastIndexOf('@') + 1)..], ex);
                await challenges.RefundAsync(passcodeSubject, clientIp, issued);
                IdpMetrics.PasscodeSendRefused("delivery_failed");
                await audit.WriteAsync(new AuditEvent(app.OrganisationId, AuditActions.PasscodeDeliveryFailed, AuditOutcomes.Failure,
                    subject.AccountId, subject.AccountId, $"emailed passcode for {app.ClientId} could not be delivered; the send was not counted"),
                    CancellationToken.None);
                throw;
            }

            IdpMetrics.PasscodeSent();
            await audit.WriteAsync(new AuditEvent(app.OrganisationId, AuditActions.PasscodeSent, AuditOutcomes.Success,
                subject.AccountId, subject.AccountId, $"emailed passcode for {app.ClientId}"), cancellationToken);
        }
        else
        {
            IdpMetrics.PasscodeSendRefused(result switch
            {
                PasscodeIssueResult.CoolingDown => "cooldown",
                PasscodeIssueResult.RateLimited => "rate_limited",
                _ => "locked",
            });
            await audit.WriteAsync(new AuditEvent(app.OrganisationId, AuditActions.PasscodeSendRefused, AuditOutcomes.Denied,
                subject.AccountId, subject.AccountId, PasscodeAuditDetail.Of(result)), cancellationToken);
        }

        return result;
    }

    /// <summary>Checks a passcode and, when right, records the verification in <paramref name="session"/> for the app's org.</summary>
    public async Task<PasscodeVerifyResult> CheckAsync(HttpContext http, OrganisationApp app, SubjectFacts subject, CurrentSession session, string code, CancellationToken cancellationToken)
    {
        // Whole seconds: tokens carry verified_at/reverify_at as Unix seconds, and the verification must stop
        // counting exactly at the reverify_at the relying app was told, not up to a second later.
        var now = clock.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
        var result = await challenges.VerifyAsync(new PasscodeSubject(app.OrganisationId, subject.AccountId), code, now);
        if (result is PasscodeVerifyResult.Verified verified)
        {
            await sessions.RecordVerificationAsync(http, session, app.OrganisationId, verified.Record);
        }

        if (result is PasscodeVerifyResult.Verified)
        {
            IdpMetrics.PasscodeVerified();
        }
        else
        {
            IdpMetrics.PasscodeFailed(result switch
            {
                PasscodeVerifyResult.Wrong => "wrong",
                PasscodeVerifyResult.Expired => "expired",
                PasscodeVerifyResult.TooManyTries => "too_many",
                _ => "locked",
            });
        }

        var (action, outcome) = result switch
        {
            PasscodeVerifyResult.Verified => (AuditActions.Verified, AuditOutcomes.Success),
            PasscodeVerifyResult.Locked => (AuditActions.VerificationLocked, AuditOutcomes.Denied),
            _ => (AuditActions.VerificationFailed, AuditOutcomes.Failure),
        };
        await audit.WriteAsync(new AuditEvent(app.OrganisationId, action, outcome, subject.AccountId, subject.AccountId,
            $"email_otp for {app.ClientId}: {PasscodeAuditDetail.Of(result)}; {subject.ExternalPolicy.Describe()}"), cancellationToken);
        return result;
    }
}
