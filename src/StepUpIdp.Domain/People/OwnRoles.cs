using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.People;

/// <summary>
/// What an admin may not do to their own roles, as they may not deactivate or remove themselves (docs/admin-guide.md,
/// "People"): lower or drop their own admin role on an app, or their own role on the app they are calling from (the
/// app their admin token came from). Either could leave the organisation without anyone able to administer it.
/// </summary>
public static class OwnRoles
{
    /// <summary>The apps, in order, whose direct role the change would lower or drop; empty when it may go ahead.</summary>
    /// <param name="current">The admin's direct roles now (client id to role).</param>
    /// <param name="requested">The direct roles the change gives.</param>
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
}
