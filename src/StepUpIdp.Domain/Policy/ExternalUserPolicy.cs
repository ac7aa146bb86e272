namespace StepUpIdp.Domain.Policy;

/// <summary>
/// An organisation's external-user policy. Immutable; validated by
/// <see cref="ExternalUserPolicyValidator"/> before it is stored.
/// </summary>
public sealed record ExternalUserPolicy
{
    /// <summary>Shortest non-zero interval an admin may choose.</summary>
    public static readonly TimeSpan MinReverifyEvery = TimeSpan.FromMinutes(5);

    /// <summary>Longest interval an admin may choose.</summary>
    public static readonly TimeSpan MaxReverifyEvery = TimeSpan.FromDays(365);

    public const int MinApiTokenLifetimeDays = 1;
    public const int MaxApiTokenLifetimeDays = 365;

    public VerificationRequirement Verification { get; init; } = VerificationRequirement.Required;

    /// <summary>The admin's re-verification interval. Zero means "verify at every sign-in".</summary>
    public TimeSpan ReverifyEvery { get; init; } = TimeSpan.FromDays(7);

    /// <summary>What counts as verification; never empty in a valid policy.</summary>
    public IReadOnlyList<VerificationMethod> Methods { get; init; } = [VerificationMethod.EmailOtp, VerificationMethod.Totp];

    /// <summary>When true external users must enrol and use an authenticator app; emailed passcodes stop counting.</summary>
    public bool RequireTwoStepVerification { get; init; }

    public ApiTokenAccess ApiTokens { get; init; } = ApiTokenAccess.Allow;

    public int ApiTokenMaxLifetimeDays { get; init; } = 365;

    /// <summary>The policy of a new organisation: fail closed, verification required weekly.</summary>
    public static ExternalUserPolicy Default { get; } = new();

    /// <summary>
    /// The one answer to "does the external-user policy apply?": to external users (guests are always external)
    /// on enforced apps, while the policy requires verification.
    /// </summary>
    public bool AppliesTo(Accounts.UserType userType, AppEnforcement app) =>
        userType == Accounts.UserType.External && app == AppEnforcement.Enforced && Verification == VerificationRequirement.Required;

    public bool Equals(ExternalUserPolicy? other) =>
        other is not null
        && Verification == other.Verification
        && ReverifyEvery == other.ReverifyEvery
        && Methods.SequenceEqual(other.Methods)
        && RequireTwoStepVerification == other.RequireTwoStepVerification
        && ApiTokens == other.ApiTokens
        && ApiTokenMaxLifetimeDays == other.ApiTokenMaxLifetimeDays;

    public override int GetHashCode() =>
        HashCode.Combine(Verification, ReverifyEvery, Methods.Count, RequireTwoStepVerification, ApiTokens, ApiTokenMaxLifetimeDays);
}

public enum VerificationRequirement
{
    Required = 0,
    Off = 1,
}

/// <summary>How a verification was (or may be) done. Wire names: <c>email_otp</c>, <c>totp</c>.</summary>
public enum VerificationMethod
{
    EmailOtp = 1,
    Totp = 2,
}

public enum ApiTokenAccess
{
    Allow = 0,
    Block = 1,
}
