using StepUpIdp.Domain.Policy;

namespace StepUpIdp.Domain.Verification;

/// <summary>One successful one-time-passcode verification of an account for an organisation.</summary>
public sealed record VerificationRecord(DateTimeOffset VerifiedAt, VerificationMethod Method);
