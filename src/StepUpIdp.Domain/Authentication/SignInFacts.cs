using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Authentication;

/// <summary>
/// What the authorize endpoint knows about one authorization request, gathered by the host and judged
/// by <see cref="SignInRequirements.Evaluate"/>. Defaults fail closed: not signed in, external, app
/// enforced, no authenticator.
/// </summary>
public sealed record SignInFacts
{
    public required DateTimeOffset Now { get; init; }

    /// <summary>Whether a valid SSO session cookie identified the account.</summary>
    public bool IsAuthenticated { get; init; }

    /// <summary>
    /// An admin of the app's organisation ended this person's access after the session's last sign-in: the session
    /// no longer opens the org's apps until the person signs in again.
    /// </summary>
    public bool AccessEnded { get; init; }

    /// <summary>When the user last actively signed in (OIDC <c>auth_time</c>); null means unknown and forces a sign-in.</summary>
    public DateTimeOffset? AuthTime { get; init; }

    /// <summary>
    /// The level the session itself reached (password: Basic; an internal user's step-up: Otp or TwoStep).
    /// For external users on an enforced app only the org policy's verification counts, not this.
    /// </summary>
    public AcrLevel SessionAcr { get; init; } = AcrLevel.Basic;

    /// <summary>When <see cref="SessionAcr"/> was reached; null means at <see cref="AuthTime"/>.</summary>
    public DateTimeOffset? SessionAcrAchievedAt { get; init; }

    /// <summary>
    /// When the current authorization interaction began. A sign-in at or after it satisfies prompt=login,
    /// so the host need not strip the prompt after the user signed in (Duende removes it from the request).
    /// </summary>
    public DateTimeOffset? InteractionStartedAt { get; init; }

    public bool PromptLogin { get; init; }

    public bool PromptNone { get; init; }

    /// <summary>OIDC <c>max_age</c>: the longest time allowed since the user last actively authenticated.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>The request's <c>acr_values</c>, split on spaces, as sent; unknown values are ignored.</summary>
    public IReadOnlyList<string> RequestedAcrValues { get; init; } = [];

    /// <summary>
    /// The IdP's own floor, whatever <c>acr_values</c> says: a request for scope <c>stepup.admin</c>, or the admin
    /// pages, need at least a one-time passcode (docs/security.md, "Recent strong sign-in").
    /// </summary>
    public AcrLevel? MinimumAcr { get; init; }

    /// <summary>The request's <c>id_token_hint</c> names another account than the session's: that account must sign in.</summary>
    public bool HintNamesAnotherAccount { get; init; }

    public UserType UserType { get; init; } = UserType.External;

    public bool IsGuest { get; init; }

    /// <summary>
    /// The session was signed in with an emailed passcode (a guest's sign-in, <c>amr</c> <c>otp</c>), not with a password.
    /// A guest signs in that way only (docs/decisions.md, "Guests"); false fails closed.
    /// </summary>
    public bool SignedInWithEmailedPasscode { get; init; }

    public AppEnforcement App { get; init; } = AppEnforcement.Enforced;

    public required ExternalUserPolicy Policy { get; init; }

    /// <summary>The result of <see cref="ReverificationSchedule.Evaluate"/> for this account and org.</summary>
    public required VerificationStatus Verification { get; init; }

    /// <summary>Whether the account has an authenticator app (TOTP) enrolled.</summary>
    public bool HasAuthenticator { get; init; }

    /// <summary>Whether the account holds a role on the app (directly or through a group); without one it gets no code.</summary>
    public bool HasRole { get; init; }

    /// <summary>Why a guest may not sign in to the app now (no space, access ended), or null.</summary>
    public Guests.GuestDeniedReason? GuestRefusal { get; init; }

    /// <summary>
    /// Whether the session can hold and show verifications: false for a session made while Redis was unreachable,
    /// so anything that needs a verification fails closed with "temporarily unavailable".
    /// </summary>
    public bool VerificationStoreAvailable { get; init; }

    /// <summary>A session cookie came with the request but could not be checked (Redis unreachable).</summary>
    public bool SessionUncheckable { get; init; }

    /// <summary>The person pressed "Not now" on the authenticator enrolment page of this request.</summary>
    public bool EnrolmentDeclined { get; init; }
}
