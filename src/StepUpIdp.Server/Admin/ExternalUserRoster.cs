using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Infrastructure.Redis.Verification;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;

namespace StepUpIdp.Server.Admin;

/// <summary>One external user of an org as an admin sees them: last verification, its method, when it is due, lock state.</summary>
public sealed record ExternalUserStatus(
    OrganisationPerson Person,
    DateTimeOffset? LastVerifiedAt,
    VerificationMethod? Method,
    VerificationStatus Status,
    DateTimeOffset? DueAt,
    DateTimeOffset? LockedUntil)
{
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
/// The external users of an organisation and what an admin may do to them (reset verification, unlock, reset
/// the authenticator app). Shared by the admin API and the admin pages; every action is audit-logged.
/// </summary>
public sealed class ExternalUserRoster(
    ExternalPolicyEditor policies,
    OrganisationPeople people,
    IVerificationStore verifications,
    IPasscodeChallengeStore challenges,
    AuthenticatorEnrolment enrolment,
    AuditLog audit,
    TimeProvider clock)
{
    /// <summary>The list, by email. Throws <see cref="VerificationStoreUnavailableException"/> when Redis is down.</summary>
    public async Task<IReadOnlyList<ExternalUserStatus>> ListAsync(string organisationId, CancellationToken cancellationToken)
    {
        var policy = await policies.ReadAsync(organisationId, cancellationToken);
        var externals = await people.ListExternalAsync(organisationId, cancellationToken);
        var now = clock.GetUtcNow();
        var ids = externals.Select(p => p.AccountId).ToList();
        var records = await verifications.GetManyAsync(organisationId, ids);
        var locks = await challenges.GetLocksAsync(ids, now);
        var users = new List<ExternalUserStatus>(externals.Count);
        foreach (var person in externals)
        {
            var record = records.GetValueOrDefault(person.AccountId);
            var status = ReverificationSchedule.Evaluate(policy, record, now);
            users.Add(new ExternalUserStatus(
                person,
                record?.VerifiedAt,
                record?.Method,
                status,
                status is VerificationStatus.Counting counting ? counting.ReverifyAt : null,
                locks.TryGetValue(person.AccountId, out var until) ? until : null));
        }

        return users;
    }

    /// <summary>Makes the user verify again at their next sign-in.</summary>
    public Task<ExternalUserActionResult> ResetVerificationAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken) =>
        ActAsync(organisationId, adminId, accountId, AuditActions.VerificationReset, async () =>
        {
            await verifications.ResetAsync(organisationId, accountId);
            return "verification reset by an admin";
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
            await verifications.ResetAsync(organisationId, accountId);
            return await enrolment.ResetAsync(accountId, cancellationToken)
                ? "authenticator app reset by an admin"
                : "authenticator reset by an admin (none was set up)";
        }, cancellationToken);

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
