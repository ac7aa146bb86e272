using System.Text.Json.Serialization;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.ApiTokens;

/// <summary>
/// The rules in force for the caller (their policy's), as <c>GET /api/orgs/{org}/api-token-rules</c> shows them to any signed-in member: <c>{"externalUsers":"allow","guests":"block","maxLifetimeDays":365}</c>.
/// </summary>
public sealed record ApiTokenRulesView(
    [property: JsonPropertyName("externalUsers")] string ExternalUsers,
    [property: JsonPropertyName("guests")] string Guests,
    [property: JsonPropertyName("maxLifetimeDays")] int MaxLifetimeDays)
{
    /// <summary>The id of the caller's policy these rules come from (docs/external-policies.md), when it is known.</summary>
    [JsonPropertyName("policy")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Policy { get; init; }

    /// <summary>The rules of one person's policy, naming it.</summary>
    public static ApiTokenRulesView From(ScopedExternalPolicy policy) => From(policy.Policy) with { Policy = policy.Id };

    public static ApiTokenRulesView From(ExternalUserPolicy policy) => new(
        policy.ApiTokens.ToWireName(),
        PolicyWireNames.Block, // guests' tokens always fail
        policy.ApiTokenMaxLifetimeDays);
}
