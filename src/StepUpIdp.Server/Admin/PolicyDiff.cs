using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Server.Admin;

/// <summary>A one-line, human-readable account of what a policy change changed, for the audit log.</summary>
public static class PolicyDiff
{
    public static string Describe(ExternalUserPolicy before, ExternalUserPolicy after)
    {
        var b = ExternalUserPolicyDocument.From(before);
        var a = ExternalUserPolicyDocument.From(after);
        var changes = new List<string>();
        void Compare(string field, string? x, string? y)
        {
            if (x != y)
            {
                changes.Add($"{field} {x} -> {y}");
            }
        }

        Compare(ExternalUserPolicyDocument.Fields.Verification, b.Verification, a.Verification);
        Compare(ExternalUserPolicyDocument.Fields.ReverifyEvery, b.ReverifyEvery, a.ReverifyEvery);
        Compare(ExternalUserPolicyDocument.Fields.Methods, string.Join(",", b.Methods ?? []), string.Join(",", a.Methods ?? []));
        Compare(ExternalUserPolicyDocument.Fields.RequireTwoStepVerification, b.RequireTwoStepVerification?.ToString(), a.RequireTwoStepVerification?.ToString());
        Compare(ExternalUserPolicyDocument.Fields.ApiTokens, b.ApiTokens, a.ApiTokens);
        Compare(ExternalUserPolicyDocument.Fields.ApiTokenMaxLifetimeDays, b.ApiTokenMaxLifetimeDays?.ToString(System.Globalization.CultureInfo.InvariantCulture),
            a.ApiTokenMaxLifetimeDays?.ToString(System.Globalization.CultureInfo.InvariantCulture));
        return changes.Count == 0 ? "no change" : string.Join("; ", changes);
    }
}
