using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Authentication;

/// <summary>
/// What the authorize endpoint must do next. Only <see cref="Proceed"/> lets it issue a code; every
/// other outcome carries a reason meant for the log. The hierarchy is closed.
/// </summary>
public abstract record SignInDecision
{
    private SignInDecision()
    {
    }

    /// <param name="Acr">The level actually reached (fresh under max_age when the request gave one).</param>
    /// <param name="Verification">The org-policy verification status, for <c>verified_at</c>/<c>reverify_at</c> and token lifetimes.</param>
    public sealed record Proceed(AcrLevel Acr, VerificationStatus Verification) : SignInDecision;

    /// <summary>Show the sign-in page.</summary>
    public sealed record RequireSignIn(string Reason) : SignInDecision;

    /// <summary>Ask for a one-time passcode by one of <paramref name="Methods"/> (never empty, preferred first).</summary>
    public sealed record RequireVerification(IReadOnlyList<VerificationMethod> Methods, string Reason) : SignInDecision;

    /// <summary>
    /// The person is a guest of the app but the session was signed in some other way (a password): show the guest
    /// sign-in page, where an emailed passcode signs them in.
    /// </summary>
    public sealed record RequireGuestSignIn(string Reason) : SignInDecision;

    /// <summary>The user must first enrol an authenticator app (TOTP).</summary>
    public sealed record RequireEnrolment(string Reason) : SignInDecision;

    /// <summary>The account has no role on the app: access denied, with words saying whom to ask.</summary>
    public sealed record NotAssigned : SignInDecision;

    /// <summary>A guest who may not sign in now: show the page that says why (audited by the host).</summary>
    public sealed record RefuseGuest(Guests.GuestDeniedReason Reason) : SignInDecision;

    /// <summary>What is needed cannot be checked or recorded now (Redis unreachable): "temporarily unavailable".</summary>
    public sealed record Unavailable(string Reason) : SignInDecision;

    /// <summary>Answer the relying app with an OAuth error (RFC 6749 section 4.1.2.1, OIDC Core 3.1.2.6).</summary>
    public sealed record Deny(string Error, string Description) : SignInDecision;
}
