using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.Tests.People;

public class OwnRolesTests
{
    private static readonly Dictionary<string, AppRole> Current = new()
    {
        ["portal"] = AppRole.Admin,
        ["console"] = AppRole.User,
        ["wiki"] = AppRole.User,
    };

    [Fact]
    public void Dropping_or_lowering_ones_own_admin_role_is_refused()
    {
        Assert.Equal(["portal"], OwnRoles.Lowered(Current, new Dictionary<string, AppRole> { ["console"] = AppRole.User }, null));
        Assert.Equal(["portal"], OwnRoles.Lowered(Current, new Dictionary<string, AppRole> { ["portal"] = AppRole.User, ["console"] = AppRole.User }, null));
    }

    [Fact]
    public void Dropping_ones_role_on_the_calling_app_is_refused()
    {
        Assert.Equal(["console", "portal"], OwnRoles.Lowered(Current, new Dictionary<string, AppRole>(), "console"));
    }

    [Fact]
    public void Other_changes_to_ones_own_roles_go_ahead()
    {
        var requested = new Dictionary<string, AppRole> { ["portal"] = AppRole.Admin, ["console"] = AppRole.Admin, ["new"] = AppRole.User };
        Assert.Empty(OwnRoles.Lowered(Current, requested, "console"));
    }
}
