using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Authentication;

/// <summary>
/// What a sensitive action asks of the session (docs/security.md, "Recent strong sign-in"): creating an API token,
/// enrolling or removing an authenticator app, and changes on the admin pages need a sign-in in the last
/// <see cref="Window"/>; enrolling an authenticator app also needs proof, in this session, that the person reads the
/// account's mailbox.
/// </summary>
public static class RecentAuthentication
{
    /// <summary>How recent a sign-in (or a verification) must be for a sensitive action; used as <c>max_age</c>.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Whether an emailed passcode proved the mailbox in this session within <see cref="Window"/>: a verification by
    /// emailed passcode for any organisation, or a guest's sign-in with one.
    /// </summary>
    public static bool MailboxProved(
        DateTimeOffset now, DateTimeOffset authTime, IReadOnlyList<string> signInMethods, IEnumerable<VerificationRecord> verifications)
    {
        ArgumentNullException.ThrowIfNull(signInMethods);
        ArgumentNullException.ThrowIfNull(verifications);
        if (signInMethods.Contains(AuthenticationMethods.OneTimePasscode, StringComparer.Ordinal) && IsRecent(now, authTime))
        {
            return true;
        }

        return verifications.Any(v => v.Method == VerificationMethod.EmailOtp && IsRecent(now, v.VerifiedAt));
    }

    /// <summary>Within <see cref="Window"/> of <paramref name="now"/>, in whole seconds as tokens carry times.</summary>
    public static bool IsRecent(DateTimeOffset now, DateTimeOffset at) =>
        now.ToUnixTimeSeconds() - at.ToUnixTimeSeconds() <= (long)Window.TotalSeconds;

    /// <summary>
    /// What a bearer access token lacks for a call that needs <paramref name="minimumAcr"/> and, when
    /// <paramref name="recent"/>, a sign-in within <see cref="Window"/>: null when it suffices, else the RFC 9470
    /// challenge to answer, which the app meets with a new authorization request carrying the same
    /// <c>acr_values</c> and <c>max_age</c>.
    /// </summary>
    public static TokenStepUp? ForToken(DateTimeOffset now, long? authTimeSeconds, string? acr, AcrLevel? minimumAcr, bool recent)
    {
        var reached = AcrValues.TryParse(acr, out var level) ? level : AcrLevel.Basic;
        var tooWeak = minimumAcr is { } minimum && reached < minimum;
        var tooOld = recent && (authTimeSeconds is not { } authTime || now.ToUnixTimeSeconds() - authTime > (long)Window.TotalSeconds);
        if (!tooWeak && !tooOld)
        {
            return null;
        }

        var description = (tooWeak, tooOld) switch
        {
            (true, true) => $"A sign-in at {minimumAcr!.Value.ToAcrValue()} in the last {(int)Window.TotalMinutes} minutes is required.",
            (true, false) => $"A sign-in at {minimumAcr!.Value.ToAcrValue()} is required.",
            _ => $"A sign-in in the last {(int)Window.TotalMinutes} minutes is required.",
        };
        return new TokenStepUp(minimumAcr, recent ? Window : null, description);
    }
}

/// <summary>An RFC 9470 <c>insufficient_user_authentication</c> challenge: what the new sign-in must reach.</summary>
public sealed record TokenStepUp(AcrLevel? Acr, TimeSpan? MaxAge, string Description);
