using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// The <see cref="SignInFacts"/> that the session and the person give for one app: gathered in one place for the
/// authorize endpoint and for the IdP's own pages (<see cref="PortalStepUp"/>), which then add what their request asks.
/// </summary>
internal static class SessionSignInFacts
{
    public static SignInFacts For(
        CurrentSession? session,
        SubjectFacts? subject,
        OrganisationApp app,
        DateTimeOffset now,
        DateTimeOffset? interactionStartedAt,
        bool sessionUncheckable)
    {
        var records = session?.Server?.VerificationsFor(app.OrganisationId) ?? [];
        // The policy in force for this person now (pilot, domain or default); before sign-in, the org's default.
        var policy = subject?.ExternalPolicy.Policy ?? app.DefaultPolicy;
        var sessionStepUp = records
            .OrderByDescending(r => ReverificationSchedule.AcrFor(r.Method))
            .ThenByDescending(r => r.VerifiedAt)
            .FirstOrDefault();
        return new SignInFacts
        {
            Now = now,
            IsAuthenticated = subject is not null,
            SessionUncheckable = sessionUncheckable,
            AuthTime = session?.AuthTime,
            AccessEnded = session?.Server?.AccessEndedFor(app.OrganisationId, session.AuthTime) ?? false,
            SessionAcr = sessionStepUp is null ? AcrLevel.Basic : ReverificationSchedule.AcrFor(sessionStepUp.Method),
            SessionAcrAchievedAt = sessionStepUp?.VerifiedAt,
            InteractionStartedAt = interactionStartedAt,
            UserType = subject?.UserType ?? UserType.External,
            IsGuest = subject?.IsGuest ?? false,
            SignedInWithEmailedPasscode = session?.Methods.Contains(AuthenticationMethods.OneTimePasscode) ?? false,
            HasRole = subject?.Role is not null,
            GuestRefusal = subject is null ? null : GuestSignInGate.Refusal(subject, now),
            App = app.Enforcement,
            Policy = policy,
            Verification = ReverificationSchedule.EvaluateBest(policy, records, now, interactionStartedAt),
            VerificationStoreAvailable = session is { IsOffline: false },
            HasAuthenticator = subject?.HasAuthenticator ?? false,
        };
    }
}
