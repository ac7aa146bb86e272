using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Demo;

internal static class DemoPolicy
{
    /// <summary>Demo policies go through the same validation as an admin's PUT; a bad file stops start-up.</summary>
    public static StoredExternalPolicy Read(string organisationId, ExternalUserPolicyDocument? document) =>
        document is null
            ? StoredExternalPolicy.From(ExternalUserPolicy.Default)
            : ExternalUserPolicyValidator.Validate(document) switch
            {
                ExternalUserPolicyValidation.Valid valid => StoredExternalPolicy.From(valid.Policy),
                ExternalUserPolicyValidation.Invalid invalid => throw new InvalidOperationException(
                    $"The demo policy of '{organisationId}' is invalid: " +
                    string.Join("; ", invalid.Errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))),
                _ => throw new InvalidOperationException("Unknown validation outcome."),
            };
}
