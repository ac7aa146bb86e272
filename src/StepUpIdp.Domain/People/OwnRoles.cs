using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.People;

/// <summary>
/// What an admin may not do to their own roles, as they may not deactivate or remove themselves (docs/admin-guide.md,
/// "People"): lower or drop their own admin role on an app, or their own role on the app they are calling from (the
/// app their admin token came from). Either could leave the organisation without anyone able to administer it. The
/// rule is about effective roles (<see cref="HeldRoles"/>): a group's role counts as much as a direct one, so leaving,
/// changing or deleting the group that gives it is refused too, and dropping a direct role a group still gives is not.
/// </summary>
public static class OwnRoles
{
    /// <summary>The apps, in order, whose role the change would lower or drop; empty when it may go ahead.</summary>
    /// <param name="current">The admin's effective roles now (client id to role).</param>
    /// <param name="requested">The effective roles after the change.</param>
    /// <param name="callingApp">The client id the admin's token was issued to; null for the admin pages.</param>
    public static IReadOnlyList<string> Lowered(IReadOnlyDictionary<string, AppRole> current, IReadOnlyDictionary<string, AppRole> requested,
        string? callingApp)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(requested);
        return current
            .Where(c => (c.Value == AppRole.Admin || string.Equals(c.Key, callingApp, StringComparison.Ordinal))
                && (!requested.TryGetValue(c.Key, out var kept) || kept < c.Value))
            .Select(c => c.Key)
            .Order(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>The apps, in order, whose effective role going from <paramref name="current"/> to <paramref name="after"/> lowers or drops.</summary>
    public static IReadOnlyList<string> Lowered(HeldRoles current, HeldRoles after, string? callingApp)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(after);
        return Lowered(current.Effective(), after.Effective(), callingApp);
    }

    /// <summary>
    /// What a change of someone's user and admin roles and groups (<c>PUT /api/orgs/{org}/users/{id}</c>) lowers, split by
    /// the field to blame: <c>ByGroups</c> the apps the groups asked for alone would lower, <c>ByRoles</c> the rest (the
    /// roles alone, or only both together). Both empty: it may go ahead.
    /// </summary>
    /// <param name="roles">The direct user and admin roles asked for.</param>
    /// <param name="groups">The groups asked for: group id to the roles it gives.</param>
    public static (IReadOnlyList<string> ByRoles, IReadOnlyList<string> ByGroups) LoweredByAssignments(HeldRoles current,
        IReadOnlyDictionary<string, AppRole> roles, IReadOnlyDictionary<string, IReadOnlyDictionary<string, AppRole>> groups, string? callingApp)
    {
        ArgumentNullException.ThrowIfNull(current);
        var lowered = Lowered(current, current.WithUserAndAdminRoles(roles).WithGroups(groups), callingApp);
        var byGroups = Lowered(current, current.WithGroups(groups), callingApp).Intersect(lowered, StringComparer.Ordinal).ToList();
        return (lowered.Except(byGroups, StringComparer.Ordinal).ToList(), byGroups);
    }
}
