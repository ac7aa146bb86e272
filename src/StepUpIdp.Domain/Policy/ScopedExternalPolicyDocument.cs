using System.Text.Json.Serialization;

namespace StepUpIdp.Domain.Policy;

/// <summary>
/// The JSON shape of a named policy on <c>/api/orgs/{org}/external-policies</c>: the policy's fields as in
/// <see cref="ExternalUserPolicyDocument"/>, with its <c>name</c> and either <c>domains</c> (a domain policy) or
/// <c>pilotAccounts</c> (the pilot, email addresses). <c>id</c> and <c>scope</c> are given by the server.
/// </summary>
public sealed record ScopedExternalPolicyDocument
{
    public static class Fields
    {
        public const string Id = "id";
        public const string Name = "name";
        public const string Scope = "scope";
        public const string Domains = "domains";
        public const string PilotAccounts = "pilotAccounts";
    }

    public const string ScopeDefault = "default";
    public const string ScopeDomains = "domains";
    public const string ScopePilot = "pilot";

    [JsonPropertyName(Fields.Id)]
    public string? Id { get; init; }

    [JsonPropertyName(Fields.Name)]
    public string? Name { get; init; }

    [JsonPropertyName(Fields.Scope)]
    public string? Scope { get; init; }

    [JsonPropertyName(Fields.Domains)]
    public IReadOnlyList<string?>? Domains { get; init; }

    [JsonPropertyName(Fields.PilotAccounts)]
    public IReadOnlyList<string?>? PilotAccounts { get; init; }

    [JsonPropertyName(ExternalUserPolicyDocument.Fields.Verification)]
    public string? Verification { get; init; }

    [JsonPropertyName(ExternalUserPolicyDocument.Fields.ReverifyEvery)]
    public string? ReverifyEvery { get; init; }

    [JsonPropertyName(ExternalUserPolicyDocument.Fields.Methods)]
    public IReadOnlyList<string?>? Methods { get; init; }

    [JsonPropertyName(ExternalUserPolicyDocument.Fields.RequireTwoStepVerification)]
    public bool? RequireTwoStepVerification { get; init; }

    [JsonPropertyName(ExternalUserPolicyDocument.Fields.ApiTokens)]
    public string? ApiTokens { get; init; }

    [JsonPropertyName(ExternalUserPolicyDocument.Fields.ApiTokenMaxLifetimeDays)]
    public int? ApiTokenMaxLifetimeDays { get; init; }

    /// <summary>The policy fields alone, for <see cref="ExternalUserPolicyValidator"/>.</summary>
    public ExternalUserPolicyDocument ToPolicyDocument() => new()
    {
        Verification = Verification,
        ReverifyEvery = ReverifyEvery,
        Methods = Methods,
        RequireTwoStepVerification = RequireTwoStepVerification,
        ApiTokens = ApiTokens,
        ApiTokenMaxLifetimeDays = ApiTokenMaxLifetimeDays,
    };

    /// <summary>A document with these policy fields and, as yet, no name, scope or lists.</summary>
    public static ScopedExternalPolicyDocument WithFields(ExternalUserPolicyDocument fields)
    {
        ArgumentNullException.ThrowIfNull(fields);
        return new()
        {
            Verification = fields.Verification,
            ReverifyEvery = fields.ReverifyEvery,
            Methods = fields.Methods,
            RequireTwoStepVerification = fields.RequireTwoStepVerification,
            ApiTokens = fields.ApiTokens,
            ApiTokenMaxLifetimeDays = fields.ApiTokenMaxLifetimeDays,
        };
    }

    /// <summary>The document a <c>GET</c> returns. The default policy has neither list.</summary>
    public static ScopedExternalPolicyDocument From(ScopedExternalPolicy policy) => WithFields(ExternalUserPolicyDocument.From(policy.Policy)) with
    {
        Id = policy.Id,
        Name = policy.Name,
        Scope = policy.Scope switch
        {
            ExternalPolicyScope.Default => ScopeDefault,
            ExternalPolicyScope.Pilot => ScopePilot,
            _ => ScopeDomains,
        },
        Domains = policy.Scope == ExternalPolicyScope.Domains ? policy.Domains.Select(d => (string?)d).ToList() : null,
        PilotAccounts = policy.Scope == ExternalPolicyScope.Pilot ? policy.PilotAccounts.Select(a => (string?)a.Email).ToList() : null,
    };
}
