namespace StepUpIdp.Domain.Policy;

/// <summary>
/// The outcome of validating a policy document: a policy that may be stored, or field-level errors
/// keyed by JSON field name (ready for RFC 9457 problem details). The hierarchy is closed.
/// </summary>
public abstract record ExternalUserPolicyValidation
{
    private ExternalUserPolicyValidation()
    {
    }

    public sealed record Valid(ExternalUserPolicy Policy) : ExternalUserPolicyValidation;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : ExternalUserPolicyValidation;
}
