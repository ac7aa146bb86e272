namespace StepUpIdp.Server.Api;

/// <summary>
/// Stable RFC 9457 problem types, one per cause. Clients may switch on them; never change a value.
/// </summary>
public static class ProblemTypes
{
    private const string Base = "https://stepupidp.dev/problems/";

    public const string Validation = Base + "validation";
    public const string Unauthenticated = Base + "unauthenticated";
    public const string NotOrgAdmin = Base + "not-org-admin";
    public const string NotOrgMember = Base + "not-org-member";
    public const string NotFound = Base + "not-found";
    public const string MethodNotAllowed = Base + "method-not-allowed";
    public const string GuestAllowanceExceeded = Base + "guest-allowance-exceeded";
    public const string VerificationUnavailable = Base + "verification-unavailable";
    public const string Conflict = Base + "conflict";
    public const string Antiforgery = Base + "antiforgery";
    public const string ApiTokensNotAllowed = Base + "api-tokens-not-allowed";
    public const string AccountNotManaged = Base + "account-not-managed";
    public const string InsufficientScope = Base + "insufficient-scope";
    public const string DuplicateDomain = Base + "duplicate-domain";
    public const string DomainUnverifiable = Base + "domain-unverifiable";
    public const string DnsUnavailable = Base + "dns-unavailable";
    public const string TooManySecrets = Base + "too-many-secrets";
    public const string TooManyApiTokens = Base + "too-many-api-tokens";
    public const string InsufficientUserAuthentication = Base + "insufficient-user-authentication";
    public const string DatabaseUnavailable = Base + "database-unavailable";

    public static IResult Problem(int status, string type, string title, string? detail = null) =>
        Results.Problem(statusCode: status, type: type, title: title, detail: detail);

    public static IResult ValidationFailed(IReadOnlyDictionary<string, string[]> errors, string title = "The request has invalid fields.") =>
        Results.ValidationProblem(errors.ToDictionary(e => e.Key, e => e.Value), type: Validation, title: title);

    public static IResult NotFoundProblem(string what) => Problem(StatusCodes.Status404NotFound, NotFound, $"{what} was not found.");
}
