using System.Text.Json.Serialization;

namespace StepUpIdp.Domain.Policy;

/// <summary>
/// The JSON shape of the external-user policy on <c>GET</c>/<c>PUT /api/orgs/{org}/external-policy</c>.
/// Every field is nullable so that a missing field is told apart from a default
/// and reported by <see cref="ExternalUserPolicyValidator"/>, instead of silently becoming
/// <c>false</c> or <c>0</c>.
/// </summary>
public sealed record ExternalUserPolicyDocument
{
    /// <summary>Field names as they appear in JSON and as keys of validation errors.</summary>
    public static class Fields
    {
        public const string Verification = "verification";
        public const string ReverifyEvery = "reverifyEvery";
        public const string Methods = "methods";
        public const string RequireTwoStepVerification = "requireTwoStepVerification";
        public const string ApiTokens = "apiTokens";
        public const string ApiTokenMaxLifetimeDays = "apiTokenMaxLifetimeDays";
    }

    [JsonPropertyName(Fields.Verification)]
    public string? Verification { get; init; }

    [JsonPropertyName(Fields.ReverifyEvery)]
    public string? ReverifyEvery { get; init; }

    // Elements are nullable too: System.Text.Json does not enforce nullable annotations by default.
    [JsonPropertyName(Fields.Methods)]
    public IReadOnlyList<string?>? Methods { get; init; }

    [JsonPropertyName(Fields.RequireTwoStepVerification)]
    public bool? RequireTwoStepVerification { get; init; }

    [JsonPropertyName(Fields.ApiTokens)]
    public string? ApiTokens { get; init; }

    [JsonPropertyName(Fields.ApiTokenMaxLifetimeDays)]
    public int? ApiTokenMaxLifetimeDays { get; init; }

    /// <summary>The document a <c>GET</c> returns for a stored policy.</summary>
    public static ExternalUserPolicyDocument From(ExternalUserPolicy policy) => new()
    {
        Verification = policy.Verification.ToWireName(),
        ReverifyEvery = IsoDuration.Format(policy.ReverifyEvery),
        Methods = policy.Methods.Select(m => (string?)m.ToWireName()).ToArray(),
        RequireTwoStepVerification = policy.RequireTwoStepVerification,
        ApiTokens = policy.ApiTokens.ToWireName(),
        ApiTokenMaxLifetimeDays = policy.ApiTokenMaxLifetimeDays,
    };
}
