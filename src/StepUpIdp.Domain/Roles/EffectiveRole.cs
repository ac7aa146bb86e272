namespace StepUpIdp.Domain.Roles;

/// <summary>
/// The effective role of an account on an app: the highest of its direct and group grants
///. An account in any group with role user or admin is not a guest.
/// </summary>
public static class EffectiveRole
{
    /// <returns>The highest grant, or null when the account holds no grant on the app.</returns>
    public static AppRole? Resolve(IEnumerable<AppRole> directGrants, IEnumerable<AppRole> groupGrants)
    {
        AppRole? highest = null;
        foreach (var grant in directGrants.Concat(groupGrants))
        {
            if (highest is null || grant > highest)
            {
                highest = grant;
            }
        }

        return highest;
    }
}
