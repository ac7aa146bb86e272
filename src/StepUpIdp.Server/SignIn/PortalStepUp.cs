using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.SignIn;

/// <summary>What one of the IdP's own pages needs from the session before it acts (docs/security.md, "Recent strong sign-in").</summary>
/// <param name="MinimumAcr">The level the session must have reached for the org, as <c>acr_values</c> asks it of an app's sign-in.</param>
/// <param name="Recent">A sign-in in the last <see cref="RecentAuthentication.Window"/>, as <c>max_age=900</c> asks it.</param>
/// <param name="CountingVerification">An external user needs a verification that counts under the org's policy, as for an enforced app.</param>
/// <param name="MailboxProof">An emailed passcode in this session, recently (<see cref="RecentAuthentication.MailboxProved"/>), unless the person is internal.</param>
public sealed record PortalDemand(AcrLevel? MinimumAcr = null, bool Recent = false, bool CountingVerification = false, bool MailboxProof = false)
{
    /// <summary>The admin pages: a passcode or an authenticator in this session; a change also a recent sign-in.</summary>
    public static PortalDemand Admin(bool change) => new(AcrLevel.Otp, Recent: change, CountingVerification: true);

    /// <summary>Creating an API token: a recent sign-in, and for an external user a verification that counts in the org.</summary>
    public static readonly PortalDemand ApiTokenCreation = new(Recent: true, CountingVerification: true);
}

/// <summary>The outcome of <see cref="PortalStepUp.CheckAsync"/>.</summary>
public abstract record PortalStepUpResult
{
    private PortalStepUpResult() { }

    public sealed record Met(SubjectFacts Subject) : PortalStepUpResult;

    /// <summary>Send the person here (sign-in, a verification page, enrolment, or "temporarily unavailable"); they come back.</summary>
    public sealed record StepUp(string Url, string Reason) : PortalStepUpResult;

    /// <summary>The demand cannot be met by this person (for example no method the org's policy counts).</summary>
    public sealed record Refused(string Description) : PortalStepUpResult;
}

/// <summary>
/// The step-up of the IdP's own account and admin pages. It asks <see cref="SignInRequirements"/> exactly what an
/// authorization request with the same <c>acr_values</c> and <c>max_age</c> would ask, for the org's portal
/// (<see cref="AccountDirectory.FindPortalAsync"/>), and answers with the page to go through: the same sign-in and
/// verification pages, recorded in the same session, as an app's step-up.
/// </summary>
public sealed class PortalStepUp(AccountDirectory directory, SignInSessions sessions, TimeProvider clock)
{
    public async Task<PortalStepUpResult> CheckAsync(HttpContext http, string organisationId, PortalDemand demand, string? returnUrl = null)
    {
        var cancellationToken = http.RequestAborted;
        returnUrl ??= PortalReturnUrl.For(http.Request, organisationId);
        var session = await sessions.CurrentAsync(http);
        var portal = await directory.FindPortalAsync(organisationId, cancellationToken);
        var subject = session is null || portal is null ? null : await directory.DescribeAsync(session.AccountId, portal, cancellationToken);
        if (portal is null || session is null || subject is null)
        {
            return new PortalStepUpResult.StepUp(SignInUrl(returnUrl), "no signed-in session");
        }

        var now = clock.GetUtcNow();
        var facts = SessionSignInFacts.For(session, subject, portal, now, interactionStartedAt: null, SignInSessions.StoreWasUnavailable(http)) with
        {
            // Membership is the page's own check; guests' spaces do not apply to these pages.
            HasRole = true,
            GuestRefusal = null,
            App = demand.CountingVerification ? AppEnforcement.Enforced : AppEnforcement.Exempt,
            MinimumAcr = demand.MinimumAcr,
            MaxAge = demand.Recent ? RecentAuthentication.Window : null,
        };

        switch (SignInRequirements.Evaluate(facts))
        {
            case SignInDecision.RequireSignIn signIn:
                return new PortalStepUpResult.StepUp(SignInUrl(returnUrl), signIn.Reason);
            case SignInDecision.RequireVerification verify:
                return new PortalStepUpResult.StepUp(TwoStepInteraction.VerifyUrl(verify.Methods, returnUrl), verify.Reason);
            case SignInDecision.RequireEnrolment enrol:
                return new PortalStepUpResult.StepUp(TwoStepInteraction.EnrolUrl(returnUrl), enrol.Reason);
            case SignInDecision.Unavailable unavailable:
                return new PortalStepUpResult.StepUp("/account/verification-unavailable?returnUrl=" + Uri.EscapeDataString(returnUrl), unavailable.Reason);
            case SignInDecision.Deny deny:
                return new PortalStepUpResult.Refused(deny.Description);
            case SignInDecision.Proceed:
                break;
            default:
                return new PortalStepUpResult.Refused("This can't be done with this sign-in.");
        }

        if (demand.MailboxProof && subject.UserType != UserType.Internal
            && !RecentAuthentication.MailboxProved(now, session.AuthTime, session.Methods, session.Server?.Verifications.Select(v => v.Record) ?? []))
        {
            return session.IsOffline
                ? new PortalStepUpResult.StepUp("/account/verification-unavailable?returnUrl=" + Uri.EscapeDataString(returnUrl), "no session store for the mailbox proof")
                : new PortalStepUpResult.StepUp(
                    TwoStepInteraction.VerifyUrl([VerificationMethod.EmailOtp], returnUrl), "an emailed passcode must prove the mailbox first");
        }

        return new PortalStepUpResult.Met(subject);
    }

    private static string SignInUrl(string returnUrl) => SessionDefaults.SignInPath + "?ReturnUrl=" + Uri.EscapeDataString(returnUrl);
}
