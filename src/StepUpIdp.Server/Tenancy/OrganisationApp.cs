using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Tenancy;

/// <summary>
/// An app with the organisation that owns it: what every authorize and token request needs to know. The policy in
/// force for a person is <see cref="SubjectFacts.ExternalPolicy"/>; <see cref="DefaultPolicy"/> is only the org's default one.
/// </summary>
public sealed record OrganisationApp(
    string ClientId,
    string AppName,
    AppEnforcement Enforcement,
    string OrganisationId,
    string OrganisationName,
    IReadOnlyList<string> VerifiedDomains,
    ExternalUserPolicy DefaultPolicy,
    IReadOnlySet<string> Spaces);
