using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Users;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Groups;

public sealed record GroupMemberListing(string AccountId, string Email, string Name);

public sealed record GroupListing(string Id, string Name, IReadOnlyList<GroupRole> Roles, IReadOnlyList<GroupMemberListing> Members)
{
    /// <summary>A group with a guest role: its members are guests of the role's spaces.</summary>
    public bool IsGuestGroup => Roles.Any(r => r.Role == AppRole.Guest);
}

/// <summary>
/// An organisation's groups (docs/admin-guide.md, "Groups"): create, rename, change roles, delete; add and remove
/// members. A guest group makes its members guests of its spaces, counted against the guest allowance
/// (<see cref="GuestAllowanceGuard"/>). An admin may not change, leave or delete a group so that it stops giving them
/// their own admin role or their role on the app they call from (<see cref="OwnRoles"/>). Shared by the admin API and
/// pages; each change is audited with it.
/// </summary>
public sealed class GroupEditor(
    StepUpDbContext db,
    GuestAllowanceGuard guard,
    OrganisationPeople people,
    AuditLog audit,
    IEmailSender email,
    TimeProvider clock,
    ILogger<GroupEditor> logger)
{
    public Task<IReadOnlyList<GroupListing>> ListAsync(string organisationId, CancellationToken cancellationToken) =>
        ReadAsync(organisationId, groupId: null, cancellationToken);

    /// <summary>One group, read alone: not the whole org's groups and members to pick one out.</summary>
    public async Task<GroupListing?> FindAsync(string organisationId, string groupId, CancellationToken cancellationToken) =>
        (await ReadAsync(organisationId, groupId, cancellationToken)).SingleOrDefault();

    private async Task<IReadOnlyList<GroupListing>> ReadAsync(string organisationId, string? groupId, CancellationToken cancellationToken)
    {
        var groups = await db.Groups.AsNoTracking().Include(g => g.AppRoles).Include(g => g.Members)
            .Where(g => g.OrganisationId == organisationId && (groupId == null || g.Id == groupId)).ToListAsync(cancellationToken);
        var memberIds = groups.SelectMany(g => g.Members).Select(m => m.AccountId).Distinct().ToList();
        var accounts = await db.Accounts.AsNoTracking().Where(a => memberIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, cancellationToken);
        return groups.OrderBy(g => g.Name, StringComparer.OrdinalIgnoreCase)
            .Select(g => new GroupListing(g.Id, g.Name,
                g.AppRoles.OrderBy(r => r.AppClientId, StringComparer.Ordinal).Select(r => new GroupRole(r.AppClientId, r.Role, r.Spaces, r.ReadOnlySpaces)).ToList(),
                g.Members.Where(m => accounts.ContainsKey(m.AccountId)).Select(m => accounts[m.AccountId])
                    .OrderBy(a => a.Email, StringComparer.OrdinalIgnoreCase).Select(a => new GroupMemberListing(a.Id, a.Email, a.Name)).ToList()))
            .ToList();
    }

    public async Task<(PersonOutcome Outcome, string? GroupId)> CreateAsync(string organisationId, string adminId, string? name,
        IReadOnlyList<GroupRoleRequest?>? roles, CancellationToken cancellationToken)
    {
        // The names are read in the transaction that adds the group (serializable, retried on a conflict): two groups
        // created at once cannot both take one name.
        return await db.RunSerializableAsync<(PersonOutcome, string?)>(async ct =>
        {
            var errors = new FieldErrors();
            var names = await db.Groups.AsNoTracking().Where(g => g.OrganisationId == organisationId).Select(g => g.Name).ToListAsync(ct);
            var validName = GroupRules.ValidateName(name, names, errors);
            var validRoles = GroupRules.ValidateRoles(roles, await AppSpacesAsync(organisationId, ct), errors);
            if (errors.Count > 0)
            {
                return (new PersonOutcome.Invalid(errors.ToDictionary()), null);
            }

            var id = Guid.NewGuid().ToString("N");
            db.Groups.Add(new Group { Id = id, OrganisationId = organisationId, Name = validName!, AppRoles = validRoles.Select(r => ToEntity(id, r)).ToList() });
            audit.Stage(new AuditEvent(organisationId, AuditActions.GroupCreated, AuditOutcomes.Success, adminId, id, $"{validName}: {Describe(validRoles)}"));
            return (new PersonOutcome.Done(), id);
        }, cancellationToken);
    }

    /// <summary>Renames the group and, when <paramref name="roles"/> is given, replaces its roles (under the guest allowance).</summary>
    /// <param name="callingApp">The client id the admin's token was issued to; null for the admin pages.</param>
    public async Task<PersonOutcome> ChangeAsync(string organisationId, string adminId, string groupId, string? name,
        IReadOnlyList<GroupRoleRequest?>? roles, string? callingApp, CancellationToken cancellationToken)
    {
        if (!await db.Groups.AnyAsync(g => g.Id == groupId && g.OrganisationId == organisationId, cancellationToken))
        {
            return new PersonOutcome.NotFound(PersonOutcome.NotFound.Group);
        }

        // Validated inside the guarded transaction, so a group created or renamed at the same moment cannot take the name too.
        var (invalid, refused) = await guard.RunAsync<PersonOutcome?>(organisationId, async ct =>
        {
            var errors = new FieldErrors();
            var names = await db.Groups.AsNoTracking().Where(g => g.OrganisationId == organisationId && g.Id != groupId).Select(g => g.Name).ToListAsync(ct);
            var validName = GroupRules.ValidateName(name, names, errors);
            var validRoles = roles is null ? null : GroupRules.ValidateRoles(roles, await AppSpacesAsync(organisationId, ct), errors);
            if (errors.Count > 0)
            {
                return new PersonOutcome.Invalid(errors.ToDictionary());
            }

            var group = await db.Groups.Include(g => g.AppRoles).SingleOrDefaultAsync(g => g.Id == groupId && g.OrganisationId == organisationId, ct);
            if (group is null)
            {
                return new PersonOutcome.NotFound(PersonOutcome.NotFound.Group);
            }

            if (validRoles is not null && await OwnRoleCheck.LoweredAsync(db, organisationId, adminId,
                    held => held.WithGroupRoles(groupId, validRoles.ToDictionary(r => r.AppClientId, r => r.Role, StringComparer.Ordinal)), callingApp, ct) is { Count: > 0 } lowered)
            {
                return Refused(UserInvitationRules.Fields.Roles, OwnRoleCheck.Refusal("change the roles of this group to take away", lowered));
            }

            var before = $"{group.Name}: {Describe(group.AppRoles.Select(r => new GroupRole(r.AppClientId, r.Role, r.Spaces, r.ReadOnlySpaces)).ToList())}";
            group.Name = validName!;
            if (validRoles is not null)
            {
                db.GroupAppRoles.RemoveRange(group.AppRoles);
                await db.SaveChangesAsync(ct);
                db.GroupAppRoles.AddRange(validRoles.Select(r => ToEntity(groupId, r)));
            }

            audit.Stage(new AuditEvent(organisationId, AuditActions.GroupChanged, AuditOutcomes.Success, adminId, groupId,
                $"{before} -> {validName}: {(validRoles is null ? "roles unchanged" : Describe(validRoles))}"));
            return null;
        }, cancellationToken);
        return refused is not null ? new PersonOutcome.OverAllowance(refused) : invalid ?? new PersonOutcome.Done();
    }

    /// <summary>Deletes the group; its members lose the roles it gave (and guests of a guest group their spaces).</summary>
    public async Task<PersonOutcome> DeleteAsync(string organisationId, string adminId, string groupId, string? callingApp, CancellationToken cancellationToken)
    {
        // Serializable (retried on a conflict): deleted once, and never while members are being added to it.
        return await db.RunSerializableAsync<PersonOutcome>(async ct =>
        {
            var group = await db.Groups.SingleOrDefaultAsync(g => g.Id == groupId && g.OrganisationId == organisationId, ct);
            if (group is null)
            {
                return new PersonOutcome.NotFound(PersonOutcome.NotFound.Group);
            }

            if (await OwnRoleCheck.LoweredAsync(db, organisationId, adminId, held => held.WithoutGroup(groupId), callingApp, ct) is { Count: > 0 } lowered)
            {
                return Refused("id", OwnRoleCheck.Refusal("delete a group that gives you", lowered));
            }

            await db.GroupMembers.Where(m => m.GroupId == groupId).ExecuteDeleteAsync(ct);
            await db.GroupAppRoles.Where(r => r.GroupId == groupId).ExecuteDeleteAsync(ct);
            db.Groups.Remove(group);
            audit.Stage(new AuditEvent(organisationId, AuditActions.GroupDeleted, AuditOutcomes.Success, adminId, groupId, group.Name));
            return new PersonOutcome.Done();
        }, cancellationToken);
    }

    /// <summary>
    /// Adds up to ten people by address. Anyone may be added to a guest group (an unknown address gets a passwordless
    /// account, and each new guest an invitation email with the guest sign-in link); other groups take people of the org.
    /// </summary>
    public async Task<(PersonOutcome Outcome, IReadOnlyList<GroupMemberListing> Added)> AddMembersAsync(string organisationId, string adminId, string groupId,
        IReadOnlyList<string?>? emails, Uri root, CancellationToken cancellationToken)
    {
        var group = await FindAsync(organisationId, groupId, cancellationToken);
        if (group is null)
        {
            return (new PersonOutcome.NotFound(PersonOutcome.NotFound.Group), []);
        }

        var (addresses, errors) = UserInvitationRules.ValidateEmails(emails);
        var normalized = addresses.Select(EmailAddress.Normalize).ToList();
        var known = await db.Accounts.AsNoTracking().Where(a => normalized.Contains(a.NormalizedEmail)).ToDictionaryAsync(a => a.NormalizedEmail, cancellationToken);
        if (errors.Count == 0 && !group.IsGuestGroup)
        {
            var ofOrg = (await people.ListAsync(organisationId, cancellationToken)).Select(p => p.AccountId).ToHashSet(StringComparer.Ordinal);
            foreach (var address in addresses.Where(a => !known.TryGetValue(EmailAddress.Normalize(a), out var account) || !ofOrg.Contains(account.Id)))
            {
                errors.Add(UserInvitationRules.Fields.Emails, $"{address} is not a person of this organisation; invite them first.");
            }
        }

        if (errors.Count > 0)
        {
            return (new PersonOutcome.Invalid(errors.ToDictionary()), []);
        }

        var (added, refused) = await guard.RunAsync<List<(GroupMemberListing Member, bool Created)>?>(organisationId, async ct =>
        {
            // Read again in the transaction: a group deleted at the same moment takes nobody in.
            if (!await db.Groups.AnyAsync(g => g.Id == groupId && g.OrganisationId == organisationId, ct))
            {
                return null;
            }

            var now = clock.GetUtcNow();
            var list = new List<(GroupMemberListing Member, bool Created)>();
            foreach (var address in addresses)
            {
                var account = await db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == EmailAddress.Normalize(address), ct);
                var created = account is null;
                if (account is null)
                {
                    // Passwordless, as a guest invitation makes it: a guest signs in with emailed passcodes.
                    account = new Account { Id = Guid.NewGuid().ToString("N"), Email = address, NormalizedEmail = EmailAddress.Normalize(address), Name = address[..address.IndexOf('@')], CreatedAt = now };
                    db.Accounts.Add(account);
                }

                if (await db.GroupMembers.FindAsync([groupId, account.Id], ct) is not null)
                {
                    continue;
                }

                db.GroupMembers.Add(new GroupMember { GroupId = groupId, AccountId = account.Id });
                audit.Stage(new AuditEvent(organisationId, AuditActions.GroupMemberAdded, AuditOutcomes.Success, adminId, account.Id,
                    $"{group.Name}{(group.IsGuestGroup ? " (guest group)" : "")}{(created ? "; new passwordless account" : "")}"));
                list.Add((new GroupMemberListing(account.Id, account.Email, account.Name), created));
            }

            return list;
        }, cancellationToken);
        if (refused is not null)
        {
            return (new PersonOutcome.OverAllowance(refused), []);
        }

        if (added is null)
        {
            return (new PersonOutcome.NotFound(PersonOutcome.NotFound.Group), []);
        }

        if (group.IsGuestGroup)
        {
            await MailGuestsAsync(organisationId, group, added.Select(a => a.Member.Email).ToList(), root, cancellationToken);
        }

        return (new PersonOutcome.Done(), added.Select(a => a.Member).ToList());
    }

    /// <summary>
    /// Makes one of the org's people a member of the group, by account id; one who is already a member stays one, and
    /// nothing is written. Otherwise as <see cref="AddMembersAsync"/> (the guest allowance, a new guest's email).
    /// </summary>
    public async Task<PersonOutcome> AddMemberAsync(string organisationId, string adminId, string groupId, string accountId, Uri root,
        CancellationToken cancellationToken)
    {
        // AddMembersAsync answers a missing group itself.
        return await people.FindAsync(organisationId, accountId, cancellationToken) is { } person
            ? (await AddMembersAsync(organisationId, adminId, groupId, [person.Email], root, cancellationToken)).Outcome
            : new PersonOutcome.NotFound();
    }

    public async Task<PersonOutcome> RemoveMemberAsync(string organisationId, string adminId, string groupId, string accountId, string? callingApp,
        CancellationToken cancellationToken)
    {
        // Removed once, with one audit line, however many removals arrive together (the others find nobody).
        return await db.RunSerializableAsync<PersonOutcome>(async ct =>
        {
            var group = await db.Groups.AsNoTracking().SingleOrDefaultAsync(g => g.Id == groupId && g.OrganisationId == organisationId, ct);
            if (group is null)
            {
                return new PersonOutcome.NotFound(PersonOutcome.NotFound.Group);
            }

            var member = await db.GroupMembers.FindAsync([groupId, accountId], ct);
            if (member is null)
            {
                return new PersonOutcome.NotFound(PersonOutcome.NotFound.Membership);
            }

            if (accountId == adminId
                && await OwnRoleCheck.LoweredAsync(db, organisationId, adminId, held => held.WithoutGroup(groupId), callingApp, ct) is { Count: > 0 } lowered)
            {
                return Refused("accountId", OwnRoleCheck.Refusal("leave a group that gives you", lowered));
            }

            db.GroupMembers.Remove(member);
            audit.Stage(new AuditEvent(organisationId, AuditActions.GroupMemberRemoved, AuditOutcomes.Success, adminId, accountId, group.Name));
            return new PersonOutcome.Done();
        }, cancellationToken);
    }

    private async Task MailGuestsAsync(string organisationId, GroupListing group, IReadOnlyList<string> addresses, Uri root, CancellationToken cancellationToken)
    {
        var orgName = (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == organisationId, cancellationToken)).Name;
        var appNames = await db.Apps.AsNoTracking().Where(a => a.OrganisationId == organisationId).ToDictionaryAsync(a => a.ClientId, a => a.Name, cancellationToken);
        foreach (var role in group.Roles.Where(r => r.Role == AppRole.Guest))
        {
            foreach (var address in addresses)
            {
                try
                {
                    await email.SendAsync(GuestInvitationEmail.Compose(orgName, appNames[role.AppClientId], GuestSignInLink.For(root, role.AppClientId), role.Spaces, null, address), cancellationToken);
                }
                catch (EmailDeliveryException ex)
                {
                    PeopleLog.InvitationDeliveryFailed(logger, address[(address.LastIndexOf('@') + 1)..], ex);
                }
            }
        }
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlySet<string>>> AppSpacesAsync(string organisationId, CancellationToken cancellationToken) =>
        (await db.Apps.AsNoTracking().Include(a => a.Spaces).Where(a => a.OrganisationId == organisationId).ToListAsync(cancellationToken))
        .ToDictionary(a => a.ClientId, a => (IReadOnlySet<string>)a.Spaces.Select(s => s.Key).ToHashSet(StringComparer.Ordinal), StringComparer.Ordinal);

    /// <summary>Refused by <see cref="OwnRoles"/>, as a field error (not audited, as an admin's refused removal of themselves is not).</summary>
    private static PersonOutcome.Invalid Refused(string field, string message) => new(new Dictionary<string, string[]> { [field] = [message] });

    private static GroupAppRole ToEntity(string groupId, GroupRole role) => new()
    {
        GroupId = groupId,
        AppClientId = role.AppClientId,
        Role = role.Role,
        Spaces = [.. role.Spaces],
        ReadOnlySpaces = [.. role.ReadOnlySpaces],
    };

    private static string Describe(IReadOnlyList<GroupRole> roles) =>
        roles.Count == 0 ? "no roles" : string.Join("; ", roles.Select(r => r.Role == AppRole.Guest
            ? $"{r.AppClientId}: guest of [{string.Join(", ", r.Spaces)}], read-only [{string.Join(", ", r.ReadOnlySpaces)}]"
            : $"{r.AppClientId}: {r.Role.ToClaimValue()}"));
}
