using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;

namespace StepUpIdp.Server.Admin;

/// <summary>
/// One external user of an org as an admin sees them, across their sign-in sessions (docs/sessions.md): the last
/// verification and its method, in how many live sessions a verification counts, when the next of those is due, and
/// the lock state. <see cref="Status"/> is "verified" when a verification counts in at least one session.
/// </summary>
public sealed record ExternalUserStatus(
    OrganisationPerson Person,
    DateTimeOffset? LastVerifiedAt,
    VerificationMethod? Method,
    VerificationStatus Status,
    DateTimeOffset? DueAt,
    DateTimeOffset? LockedUntil,
    int Sessions,
    int VerifiedSessions)
{
    /// <summary>The org's policy in force for the person (pilot, domain policy or default), which the rest is judged by.</summary>
    public required ScopedExternalPolicy Policy { get; init; }

    /// <summary>The wire name of <see cref="Status"/>: <c>verified</c>, <c>not_required</c> or <c>due</c>.</summary>
    public string StatusName => Status switch
    {
        VerificationStatus.Counting => "verified",
        VerificationStatus.NotRequired => "not_required",
        _ => "due",
    };
}

/// <summary>What became of an admin action on one external user.</summary>
public enum ExternalUserActionResult
{
    Done = 1,

    /// <summary>The id is not an external user of the org; nothing was done.</summary>
    NotFound = 2,

    /// <summary>Redis could not be reached; nothing was done.</summary>
    Unavailable = 3,

    /// <summary>The action reaches the whole account, which the org does not manage (docs/security.md); nothing was done.</summary>
    NotManaged = 4,
}

/// <summary>
/// The external users of an organisation and what an admin may do to them (reset verification, end access, unlock,
/// reset the authenticator app). Shared by the admin API and the admin pages; every action is audit-logged.
/// </summary>
public sealed class ExternalUserRoster(
    ExternalPolicyEditor policies,
    OrganisationPeople people,
    SignInSessions sessions,
    IPasscodeChallengeStore challenges,
    AuthenticatorEnrolment enrolment,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>The list, by email. Throws <see cref="VerificationStoreUnavailableException"/> when Redis is down.</summary>
    public async Task<IReadOnlyList<ExternalUserStatus>> ListAsync(string organisationId, CancellationToken cancellationToken)
    {
        var orgPolicies = await policies.ListAsync(organisationId, cancellationToken);
        var externals = await people.ListExternalAsync(organisationId, cancellationToken);
        var now = clock.GetUtcNow();
        var ids = externals.Select(p => p.AccountId).ToList();
        var live = await sessions.ListManyAsync(ids);
        var locks = await challenges.GetLocksAsync(ids, now);
        var users = new List<ExternalUserStatus>(externals.Count);
        foreach (var person in externals)
        {
            var personSessions = live.GetValueOrDefault(person.AccountId) ?? [];
            var policy = ExternalPolicyResolver.Resolve(orgPolicies, new PolicySubject(person.AccountId, person.Email, person.UserType));
            var summary = SessionVerificationSummary.Of(policy.Policy, personSessions, organisationId, now);
            users.Add(new ExternalUserStatus(
                person,
                summary.Last?.VerifiedAt,
                summary.Last?.Method,
                summary.Status,
                summary.NextDueAt,
                locks.TryGetValue(person.AccountId, out var until) ? until : null,
                personSessions.Count,
                summary.CountingSessions) { Policy = policy });
        }

        return users;
    }

    /// <summary>Makes the user verify again at their next sign-in.</summary>
    public Task<ExternalUserActionResult> ResetVerificationAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken) =>
        ActAsync(organisationId, adminId, accountId, AuditActions.VerificationReset, async () =>
        {
            await sessions.ResetVerificationAsync(accountId, organisationId);
            return "verification reset by an admin in every session";
        }, cancellationToken);

    /// <summary>Lifts the lock that too many wrong passcodes put on the user's verification (in every org): managed accounts only.</summary>
    public Task<ExternalUserActionResult> UnlockAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken) =>
        ActOnManagedAccountAsync(organisationId, adminId, accountId, AuditActions.VerificationUnlocked, async () =>
        {
            await challenges.UnlockAsync(accountId);
            return "verification unlocked by an admin";
        }, cancellationToken);

    /// <summary>
    /// Removes a (lost) authenticator app with its recovery codes, and makes the user verify again. Every org relies
    /// on that app, so only the org that manages the account may remove it.
    /// </summary>
    public Task<ExternalUserActionResult> ResetAuthenticatorAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken) =>
        ActOnManagedAccountAsync(organisationId, adminId, accountId, AuditActions.TotpDisabled, async () =>
        {
            // A verification made with the removed app must not keep counting.
            await sessions.ResetVerificationAsync(accountId, organisationId);
            return await enrolment.ResetAsync(accountId, cancellationToken)
                ? "authenticator app reset by an admin"
                : "authenticator reset by an admin (none was set up)";
        }, cancellationToken);

    /// <summary>
    /// Ends the person's access now (docs/sessions.md). For an account the org does not manage: in every session,
    /// the org's verifications stop counting, the org's apps need a new sign-in, their refresh tokens fail and they
    /// get a back-channel logout; the person's access elsewhere is untouched. For an account the org manages (its
    /// email on one of the org's verified domains): every session of the account ends.
    /// </summary>
    public async Task<ExternalUserActionResult> EndAccessAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken)
    {
        var reach = await people.DecideWholeAccountAsync(organisationId, accountId, cancellationToken);
        if (reach is null)
        {
            return ExternalUserActionResult.NotFound;
        }

        return await RunAsync(organisationId, adminId, accountId, AuditActions.AccessEnded, async () =>
            reach is AccountActionDecision.Allowed
                ? $"all {await sessions.EndAllAsync(accountId, keepSessionId: null)} sessions of a managed account ended by an admin"
                : $"access to the organisation's apps ended by an admin in {await sessions.EndOrganisationAccessAsync(accountId, organisationId)} sessions",
            cancellationToken);
    }

    /// <summary>
    /// An action on the whole account: only on an account the org manages (its email on one of the org's verified
    /// domains, guests included). A refusal is audited too.
    /// </summary>
    private async Task<ExternalUserActionResult> ActOnManagedAccountAsync(string organisationId, string adminId, string accountId, string action,
        Func<Task<string>> act, CancellationToken cancellationToken)
    {
        var decision = await people.DecideWholeAccountAsync(organisationId, accountId, cancellationToken);
        if (decision is null)
        {
            return ExternalUserActionResult.NotFound;
        }

        if (decision is not AccountActionDecision.Allowed)
        {
            await audit.WriteAsync(new AuditEvent(organisationId, action, AuditOutcomes.Denied, adminId, accountId,
                "refused: the account is not on one of the organisation's verified domains"), cancellationToken);
            return ExternalUserActionResult.NotManaged;
        }

        return await RunAsync(organisationId, adminId, accountId, action, act, cancellationToken);
    }

    /// <summary>Only on an external user of the org; the audit line carries the detail the action returns.</summary>
    private async Task<ExternalUserActionResult> ActAsync(string organisationId, string adminId, string accountId, string action,
        Func<Task<string>> act, CancellationToken cancellationToken)
    {
        if (!await people.IsExternalAsync(organisationId, accountId, cancellationToken))
        {
            return ExternalUserActionResult.NotFound;
        }

        return await RunAsync(organisationId, adminId, accountId, action, act, cancellationToken);
    }

    /// <summary>Runs the action; the audit line carries the detail it returns.</summary>
    private async Task<ExternalUserActionResult> RunAsync(string organisationId, string adminId, string accountId, string action,
        Func<Task<string>> act, CancellationToken cancellationToken)
    {
        string detail;
        try
        {
            detail = await act();
        }
        catch (VerificationStoreUnavailableException)
        {
            return ExternalUserActionResult.Unavailable;
        }

        await audit.WriteAsync(new AuditEvent(organisationId, action, AuditOutcomes.Success, adminId, accountId, detail), cancellationToken);
        return ExternalUserActionResult.Done;
    }
}
