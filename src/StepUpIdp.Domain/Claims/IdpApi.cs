namespace StepUpIdp.Domain.Claims;

/// <summary>
/// The IdP's own APIs as a resource (RFC 9068 section 4, RFC 8707): they accept only access tokens whose <c>aud</c>
/// names <see cref="Audience"/>, and a token names it only when one of <see cref="Scopes"/> was granted. An access
/// token an app got for itself (audience: its client_id) therefore never reaches the IdP's APIs. See docs/security.md.
/// </summary>
public static class IdpApi
{
    public const string Audience = "urn:stepupidp:api";

    /// <summary>The scopes of the IdP's own APIs: <c>/api/orgs/*</c> (admin) and <c>/api/me/*</c> (API tokens).</summary>
    public static readonly IReadOnlyList<string> Scopes = [StepUpScopes.Admin, StepUpScopes.ApiTokens];

    /// <summary>The audiences of an access token issued to <paramref name="clientId"/> with <paramref name="grantedScopes"/>.</summary>
    public static IReadOnlyList<string> AudiencesFor(string clientId, IEnumerable<string> grantedScopes) =>
        grantedScopes.Any(s => Scopes.Contains(s, StringComparer.Ordinal)) ? [clientId, Audience] : [clientId];
}
