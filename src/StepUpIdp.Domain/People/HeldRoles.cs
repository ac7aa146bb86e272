using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.People;

/// <summary>
/// The roles an account holds on an organisation's apps and where each comes from: its direct grants (guest grants
/// included) and the roles of each group it is in. <see cref="Effective"/> is what it may do (<see cref="EffectiveRole"/>);
/// the <c>With</c> methods give the roles after a change, for <see cref="OwnRoles"/> to compare.
/// </summary>
/// <param name="Direct">Client id to the account's direct role.</param>
/// <param name="Groups">The groups the account is in: group id to the roles the group gives (client id to role).</param>
public sealed record HeldRoles(IReadOnlyDictionary<string, AppRole> Direct, IReadOnlyDictionary<string, IReadOnlyDictionary<string, AppRole>> Groups)
{
    /// <summary>Client id to the highest of the direct and group grants on that app.</summary>
    public IReadOnlyDictionary<string, AppRole> Effective() =>
        Direct.Select(d => (App: d.Key, Role: d.Value, IsDirect: true))
            .Concat(Groups.Values.SelectMany(g => g.Select(r => (App: r.Key, Role: r.Value, IsDirect: false))))
            .GroupBy(g => g.App, StringComparer.Ordinal)
            .ToDictionary(
                app => app.Key,
                app => EffectiveRole.Resolve(app.Where(g => g.IsDirect).Select(g => g.Role), app.Where(g => !g.IsDirect).Select(g => g.Role))!.Value,
                StringComparer.Ordinal);

    /// <summary>
    /// The direct user and admin roles replaced by <paramref name="roles"/>, as a change of someone's roles does: a guest
    /// grant on an app <paramref name="roles"/> leaves out stays (it is changed on the app's guest list).
    /// </summary>
    public HeldRoles WithUserAndAdminRoles(IReadOnlyDictionary<string, AppRole> roles)
    {
        ArgumentNullException.ThrowIfNull(roles);
        var direct = Direct.Where(d => d.Value == AppRole.Guest && !roles.ContainsKey(d.Key))
            .Concat(roles)
            .ToDictionary(d => d.Key, d => d.Value, StringComparer.Ordinal);
        return this with { Direct = direct };
    }

    /// <summary>The account in exactly these groups (group id to the roles it gives).</summary>
    public HeldRoles WithGroups(IReadOnlyDictionary<string, IReadOnlyDictionary<string, AppRole>> groups) => this with { Groups = groups };

    /// <summary>The account out of the group (it left, or the group is deleted); unchanged when it was not in it.</summary>
    public HeldRoles WithoutGroup(string groupId) =>
        this with { Groups = Groups.Where(g => g.Key != groupId).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal) };

    /// <summary>The group giving <paramref name="roles"/> instead; unchanged when the account is not in it.</summary>
    public HeldRoles WithGroupRoles(string groupId, IReadOnlyDictionary<string, AppRole> roles) =>
        !Groups.ContainsKey(groupId) ? this
        : this with { Groups = Groups.Select(g => g.Key == groupId ? KeyValuePair.Create(g.Key, roles) : g).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal) };
}
