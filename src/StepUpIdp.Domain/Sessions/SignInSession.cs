using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Sessions;

/// <summary>
/// One server-side sign-in session (docs/sessions.md): how and when the person authenticated in one browser, and
/// what that browser has proved since. Verifications and the apps that got tokens belong to the session, never to
/// the account, so a second browser starts with nothing.
/// </summary>
/// <param name="Id">The opaque session id; it is the <c>sid</c> of ID tokens and logout tokens.</param>
/// <param name="AuthTime">The last active authentication (password, or a guest's passcode) in this session.</param>
/// <param name="Methods">RFC 8176 <c>amr</c> values of that authentication (<c>pwd</c>, or <c>otp</c> for guests).</param>
/// <param name="ExpiresAt">The end of the absolute lifetime; nothing extends it.</param>
/// <param name="Verifications">One-time-passcode verifications made in this session, per organisation.</param>
/// <param name="AccessEndedAt">Per organisation, when an admin ended this person's access; authentication up to then no longer counts for it.</param>
/// <param name="Clients">The apps (client ids) that received tokens from this session, for back-channel logout.</param>
public sealed record SignInSession(
    string Id,
    string AccountId,
    DateTimeOffset AuthTime,
    IReadOnlyList<string> Methods,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastUsedAt,
    DateTimeOffset ExpiresAt,
    string? Device,
    string? ClientAddress,
    IReadOnlyList<SessionVerification> Verifications,
    IReadOnlyDictionary<string, DateTimeOffset> AccessEndedAt,
    IReadOnlyList<string> Clients)
{
    /// <summary>
    /// SHA-256 of the secret the session's current cookie carries (docs/sessions.md, "The cookie changes when the session
    /// proves more"); null for a session made before cookies carried one.
    /// </summary>
    public string? CookieStampHash { get; init; }

    /// <summary>The verifications made in this session for one organisation (at most one per method).</summary>
    public IReadOnlyList<VerificationRecord> VerificationsFor(string organisationId) =>
        Verifications.Where(v => v.OrganisationId == organisationId).Select(v => v.Record).ToArray();

    /// <summary>
    /// Whether an admin of <paramref name="organisationId"/> ended access at or after an authentication at
    /// <paramref name="authenticatedAt"/>. A token's <c>auth_time</c> is whole seconds, rounded down, so a token
    /// from a sign-in in the same second as the end counts as ended: that fails closed.
    /// </summary>
    public bool AccessEndedFor(string organisationId, DateTimeOffset authenticatedAt) =>
        AccessEndedAt.TryGetValue(organisationId, out var endedAt) && authenticatedAt <= endedAt;
}

/// <summary>A verification made in a session for an organisation.</summary>
public sealed record SessionVerification(string OrganisationId, VerificationRecord Record);
