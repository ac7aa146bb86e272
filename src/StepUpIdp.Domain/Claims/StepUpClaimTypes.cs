namespace StepUpIdp.Domain.Claims;

/// <summary>Names of the claims StepUpIdp issues. Other software depends on them.</summary>
public static class StepUpClaimTypes
{
    public const string Organisation = "org";
    public const string UserType = "user_type";
    public const string Role = "role";
    public const string Guest = "guest";
    public const string Spaces = "spaces";
    /// <summary>Guests only: the spaces of <see cref="Spaces"/> the guest may only read (a guest group's read-only spaces).</summary>
    public const string SpacesReadOnly = "spaces_readonly";
    public const string VerifiedAt = "verified_at";
    public const string ReverifyAt = "reverify_at";
    public const string ApiTokenId = "api_token_id";

    /// <summary>External users only: the id of the org's external-user policy in force for them (<c>default</c> or a named policy's id).</summary>
    public const string ExternalPolicy = "ext_policy";

    /// <summary>Every custom claim, as discovery lists them in <c>claims_supported</c>.</summary>
    public static readonly IReadOnlyList<string> All =
        [Organisation, UserType, Role, Guest, Spaces, SpacesReadOnly, VerifiedAt, ReverifyAt, ApiTokenId, ExternalPolicy];
}
