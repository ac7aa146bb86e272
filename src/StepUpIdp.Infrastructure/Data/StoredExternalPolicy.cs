using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Column form of an <see cref="ExternalUserPolicy"/>, owned by its organisation. Kept flat so that
/// SQLite and PostgreSQL store it the same way and an admin can read it with plain SQL.
/// </summary>
public sealed class StoredExternalPolicy
{
    public VerificationRequirement Verification { get; set; } = ExternalUserPolicy.Default.Verification;
    public long ReverifyEverySeconds { get; set; } = (long)ExternalUserPolicy.Default.ReverifyEvery.TotalSeconds;
    /// <summary>Comma-separated method names (<c>email_otp,totp</c>).</summary>
    public string Methods { get; set; } = Format(ExternalUserPolicy.Default.Methods);
    public bool RequireTwoStepVerification { get; set; }
    public ApiTokenAccess ApiTokens { get; set; } = ExternalUserPolicy.Default.ApiTokens;
    public int ApiTokenMaxLifetimeDays { get; set; } = ExternalUserPolicy.Default.ApiTokenMaxLifetimeDays;

    public ExternalUserPolicy ToPolicy() => new()
    {
        Verification = Verification,
        ReverifyEvery = TimeSpan.FromSeconds(ReverifyEverySeconds),
        Methods = Parse(Methods),
        RequireTwoStepVerification = RequireTwoStepVerification,
        ApiTokens = ApiTokens,
        ApiTokenMaxLifetimeDays = ApiTokenMaxLifetimeDays,
    };

    public void CopyFrom(ExternalUserPolicy policy)
    {
        Verification = policy.Verification;
        ReverifyEverySeconds = (long)policy.ReverifyEvery.TotalSeconds;
        Methods = Format(policy.Methods);
        RequireTwoStepVerification = policy.RequireTwoStepVerification;
        ApiTokens = policy.ApiTokens;
        ApiTokenMaxLifetimeDays = policy.ApiTokenMaxLifetimeDays;
    }

    public static StoredExternalPolicy From(ExternalUserPolicy policy)
    {
        var stored = new StoredExternalPolicy();
        stored.CopyFrom(policy);
        return stored;
    }

    private static string Format(IEnumerable<VerificationMethod> methods) =>
        string.Join(',', methods.Select(m => m switch
        {
            VerificationMethod.EmailOtp => "email_otp",
            VerificationMethod.Totp => "totp",
            _ => throw new ArgumentOutOfRangeException(nameof(methods), m, "Unknown verification method."),
        }));

    private static List<VerificationMethod> Parse(string methods) =>
        methods.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(m => m switch
            {
                "email_otp" => VerificationMethod.EmailOtp,
                "totp" => VerificationMethod.Totp,
                // A value we cannot read must not widen what counts: drop it (fail closed).
                _ => (VerificationMethod?)null,
            })
            .OfType<VerificationMethod>()
            .ToList();
}
