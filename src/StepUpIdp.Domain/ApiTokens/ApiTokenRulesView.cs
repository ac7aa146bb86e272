using System.Text.Json.Serialization;
using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.ApiTokens;

/// <summary>
/// The rules in force, as <c>GET /api/orgs/{org}/api-token-rules</c> shows them to any signed-in member
///: <c>{"externalUsers":"allow","guests":"block","maxLifetimeDays":365}</c>.
/// </summary>
public sealed record ApiTokenRulesView(
    [property: JsonPropertyName("externalUsers")] string ExternalUsers,
    [property: JsonPropertyName("guests")] string Guests,
    [property: JsonPropertyName("maxLifetimeDays")] int MaxLifetimeDays)
{
    public static ApiTokenRulesView From(ExternalUserPolicy policy) => new(
        policy.ApiTokens.ToWireName(),
        PolicyWireNames.Block, // guests' tokens always fail
        policy.ApiTokenMaxLifetimeDays);
}
