using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Users;

/// <summary>
/// What an org admin changes about one person (docs/admin-guide.md, "People"): roles and groups, deactivation and
/// reactivation of an account the org manages (<see cref="AccountStewardship"/>), removal from the org. Shared by the
/// admin API and pages; every change is audited with it, in one transaction.
/// </summary>
public sealed class UserAdministration(
    StepUpDbContext db,
    OrganisationPeople people,
    GuestAllowanceGuard guard,
    SignInSessions sessions,
    AuditLog audit,
    TimeProvider clock,
    ILogger<UserAdministration> logger)
{
    /// <summary>
    /// Replaces the person's user and admin roles and their groups. Null <paramref name="roles"/> or
    /// <paramref name="groups"/> leaves them as they are. An admin changing themselves may not lower their own effective
    /// admin roles or their effective role on <paramref name="callingApp"/>, by their direct roles or by leaving a group
    /// (<see cref="OwnRoles"/>).
    /// </summary>
    /// <param name="callingApp">The client id the caller's token was issued to; null for the admin pages.</param>
    public Task<PersonOutcome> ChangeAssignmentsAsync(string organisationId, string adminId, string accountId,
        IReadOnlyDictionary<string, string?>? roles, IReadOnlyList<string?>? groups, string? callingApp, CancellationToken cancellationToken) =>
        ChangeAsync(organisationId, adminId, accountId, new PersonChange(roles, groups, Deactivated: null), callingApp, cancellationToken);

    /// <summary>
    /// Makes the <paramref name="change"/> (docs/admin-guide.md, "People"): roles and groups as
    /// <see cref="ChangeAssignmentsAsync"/> says, and deactivation or reactivation as <see cref="DeactivateAsync"/> says,
    /// all or nothing. A status the account already has is no change: it needs no authority and writes nothing.
    /// </summary>
    public async Task<PersonOutcome> ChangeAsync(string organisationId, string adminId, string accountId, PersonChange change, string? callingApp,
        CancellationToken cancellationToken)
    {
        if (change.Roles is null && change.Groups is null)
        {
            return change.Deactivated is { } deactivate
                ? await SetDeactivatedAsync(organisationId, adminId, accountId, deactivate, cancellationToken)
                : await people.FindAsync(organisationId, accountId, cancellationToken) is null ? new PersonOutcome.NotFound() : new PersonOutcome.Done();
        }

        if (await people.FindAsync(organisationId, accountId, cancellationToken) is null)
        {
            return new PersonOutcome.NotFound();
        }

        var current = await AssignmentWriter.CurrentAsync(db, organisationId, accountId, cancellationToken);
        var roles = change.Roles ?? current.Roles.ToDictionary(r => r.Key, r => (string?)r.Value.ToClaimValue(), StringComparer.Ordinal);
        IReadOnlyList<string?> groups = change.Groups ?? [.. current.Groups];
        var errors = new FieldErrors();
        var assignments = await AssignmentWriter.ValidateAsync(db, organisationId, roles, groups, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return new PersonOutcome.Invalid(errors.ToDictionary());
        }

        var statusChanged = false;
        var (refusal, overAllowance) = await guard.RunAsync(organisationId, async ct =>
        {
            // Every check before any write, in the one transaction: a refusal leaves nothing half-done.
            if (change.Deactivated is { } deactivate)
            {
                var (refused, changes) = await StatusChangeAsync(organisationId, adminId, accountId, deactivate, ct);
                if (refused is not null)
                {
                    return refused;
                }

                statusChanged = changes;
            }

            if (await AssignmentWriter.StillValidAsync(db, organisationId, roles, groups, ct) is { } gone)
            {
                return new PersonOutcome.Invalid(gone.ToDictionary());
            }

            if (accountId == adminId && await OwnRolesKeptAsync(organisationId, adminId, assignments, callingApp, ct) is { } lowered)
            {
                return new PersonOutcome.Invalid(lowered.ToDictionary());
            }

            await AssignmentWriter.ReplaceAsync(db, organisationId, accountId, assignments, ct);
            audit.Stage(new AuditEvent(organisationId, AuditActions.UserAssignmentsChanged, AuditOutcomes.Success, adminId, accountId, AssignmentWriter.Describe(assignments)));
            if (statusChanged)
            {
                await WriteStatusAsync(organisationId, adminId, accountId, change.Deactivated!.Value, ct);
            }

            return null;
        }, cancellationToken);
        if (overAllowance is not null)
        {
            return new PersonOutcome.OverAllowance(overAllowance);
        }

        if (refusal is not null)
        {
            return refusal;
        }

        await EndSessionsIfDeactivatedAsync(accountId, statusChanged && change.Deactivated == true);
        return new PersonOutcome.Done();
    }

    /// <summary>The refusal when the admin's own change of roles and groups lowers their effective role; null when it may go ahead.</summary>
    private async Task<FieldErrors?> OwnRolesKeptAsync(string organisationId, string adminId, Assignments assignments, string? callingApp, CancellationToken ct)
    {
        var held = await OwnRoleCheck.HeldAsync(db, organisationId, adminId, ct);
        var groups = await OwnRoleCheck.GroupRolesAsync(db, organisationId, [.. assignments.Groups], ct);
        var (byRoles, byGroups) = OwnRoles.LoweredByAssignments(held, assignments.Roles, groups, callingApp);
        var errors = new FieldErrors();
        if (byRoles.Count > 0)
        {
            errors.Add(UserInvitationRules.Fields.Roles, OwnRoleCheck.Refusal("take away", byRoles));
        }

        if (byGroups.Count > 0)
        {
            errors.Add(UserInvitationRules.Fields.Groups, OwnRoleCheck.Refusal("leave a group that gives you", byGroups));
        }

        return errors.Count > 0 ? errors : null;
    }

    /// <summary>
    /// Deactivates an account the org manages: it cannot sign in, every session ends, and its refresh and API tokens
    /// stop working (the account is treated as gone wherever tokens are issued).
    /// </summary>
    public Task<PersonOutcome> DeactivateAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken) =>
        SetDeactivatedAsync(organisationId, adminId, accountId, deactivate: true, cancellationToken);

    public Task<PersonOutcome> ReactivateAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken) =>
        SetDeactivatedAsync(organisationId, adminId, accountId, deactivate: false, cancellationToken);

    private async Task<PersonOutcome> SetDeactivatedAsync(string organisationId, string adminId, string accountId, bool deactivate, CancellationToken cancellationToken)
    {
        var changed = false;
        // Decided and written in one serializable transaction (retried on a conflict): a domain removed at the same
        // moment comes wholly before the decision or wholly after the change.
        var outcome = await db.RunSerializableAsync<PersonOutcome>(async ct =>
        {
            var (refused, changes) = await StatusChangeAsync(organisationId, adminId, accountId, deactivate, ct);
            if (refused is not null)
            {
                return refused;
            }

            changed = changes;
            if (changed)
            {
                await WriteStatusAsync(organisationId, adminId, accountId, deactivate, ct);
            }

            return new PersonOutcome.Done();
        }, cancellationToken);
        if (outcome is not PersonOutcome.Done)
        {
            return outcome;
        }

        await EndSessionsIfDeactivatedAsync(accountId, changed && deactivate);
        return new PersonOutcome.Done();
    }

    /// <summary>
    /// Whether the org may give the account the status, and whether that changes anything: an account already in it
    /// is left alone, whoever manages it. A refusal for want of authority is audited.
    /// </summary>
    private async Task<(PersonOutcome? Refused, bool Changes)> StatusChangeAsync(string organisationId, string adminId, string accountId, bool deactivate,
        CancellationToken ct)
    {
        var decision = await people.DecideWholeAccountAsync(organisationId, accountId, ct);
        if (decision is null)
        {
            return (new PersonOutcome.NotFound(), false);
        }

        var deactivated = await db.Accounts.Where(a => a.Id == accountId).Select(a => a.DeactivatedAt != null).SingleAsync(ct);
        if (deactivated == deactivate)
        {
            return (null, false);
        }

        if (decision is not AccountActionDecision.Allowed)
        {
            audit.Stage(new AuditEvent(organisationId, deactivate ? AuditActions.UserDeactivated : AuditActions.UserReactivated, AuditOutcomes.Denied,
                adminId, accountId, "refused: the account is not on one of the organisation's verified domains"));
            return (new PersonOutcome.NotManaged(), false);
        }

        return deactivate && accountId == adminId
            ? (new PersonOutcome.Invalid(new Dictionary<string, string[]> { ["id"] = ["You cannot deactivate your own account."] }), false)
            : (null, true);
    }

    private async Task WriteStatusAsync(string organisationId, string adminId, string accountId, bool deactivate, CancellationToken ct)
    {
        var account = await db.Accounts.SingleAsync(a => a.Id == accountId, ct);
        account.DeactivatedAt = deactivate ? clock.GetUtcNow() : null;
        audit.Stage(new AuditEvent(organisationId, deactivate ? AuditActions.UserDeactivated : AuditActions.UserReactivated, AuditOutcomes.Success,
            adminId, accountId, deactivate ? "account deactivated" : "account reactivated"));
    }

    private async Task EndSessionsIfDeactivatedAsync(string accountId, bool deactivated)
    {
        if (deactivated)
        {
            await TryAsync(() => sessions.EndAllAsync(accountId, keepSessionId: null));
        }
    }

    /// <summary>
    /// Removes the person from the org: membership, roles on its apps (guest grants too), its groups; and ends their
    /// access to its apps in every session (docs/sessions.md). The account stays for other organisations.
    /// </summary>
    public async Task<PersonOutcome> RemoveAsync(string organisationId, string adminId, string accountId, CancellationToken cancellationToken)
    {
        // Serializable (retried on a conflict): removed once, with one audit line, and not half-undone by a role or
        // group change at the same moment.
        var outcome = await db.RunSerializableAsync<PersonOutcome>(async ct =>
        {
            if (await people.FindAsync(organisationId, accountId, ct) is null)
            {
                return new PersonOutcome.NotFound();
            }

            if (accountId == adminId)
            {
                return new PersonOutcome.Invalid(new Dictionary<string, string[]> { ["id"] = ["You cannot remove yourself; ask another administrator."] });
            }

            var appIds = db.Apps.Where(a => a.OrganisationId == organisationId).Select(a => a.ClientId);
            var groupIds = db.Groups.Where(g => g.OrganisationId == organisationId).Select(g => g.Id);
            await db.OrganisationMembers.Where(m => m.OrganisationId == organisationId && m.AccountId == accountId).ExecuteDeleteAsync(ct);
            await db.RoleGrants.Where(g => g.AccountId == accountId && appIds.Contains(g.AppClientId)).ExecuteDeleteAsync(ct);
            await db.GuestAssignments.Where(g => g.AccountId == accountId && appIds.Contains(g.AppClientId)).ExecuteDeleteAsync(ct);
            await db.GroupMembers.Where(m => m.AccountId == accountId && groupIds.Contains(m.GroupId)).ExecuteDeleteAsync(ct);
            audit.Stage(new AuditEvent(organisationId, AuditActions.UserRemoved, AuditOutcomes.Success, adminId, accountId, "removed from the organisation"));
            return new PersonOutcome.Done();
        }, cancellationToken);
        if (outcome is not PersonOutcome.Done)
        {
            return outcome;
        }

        await TryAsync(() => sessions.EndOrganisationAccessAsync(accountId, organisationId));
        return new PersonOutcome.Done();
    }

    private async Task TryAsync(Func<Task<int>> end)
    {
        try
        {
            await end();
        }
        catch (VerificationStoreUnavailableException ex)
        {
            // The change is made; a deactivated or removed person is refused wherever tokens are issued regardless.
            PeopleLog.SessionsNotEnded(logger, ex);
        }
    }
}
