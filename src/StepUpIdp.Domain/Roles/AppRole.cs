namespace StepUpIdp.Domain.Roles;

/// <summary>Roles on an app, ordered so that a higher value is a stronger role (admin > user > guest).</summary>
public enum AppRole
{
    Guest = 1,
    User = 2,
    Admin = 3,
}

public static class AppRoleNames
{
    public static string ToClaimValue(this AppRole role) => role switch
    {
        AppRole.Admin => "admin",
        AppRole.User => "user",
        AppRole.Guest => "guest",
        _ => throw new ArgumentOutOfRangeException(nameof(role), role, "Unknown role."),
    };

    public static bool TryParse(string? value, out AppRole role)
    {
        switch (value)
        {
            case "admin": role = AppRole.Admin; return true;
            case "user": role = AppRole.User; return true;
            case "guest": role = AppRole.Guest; return true;
            default: role = default; return false;
        }
    }
}
