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

    private static readonly Dictionary<string, AppRole> None = [];

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

    [Fact]
    public void The_effective_role_is_the_highest_of_the_direct_and_group_grants()
    {
        var held = new HeldRoles(new Dictionary<string, AppRole> { ["portal"] = AppRole.User, ["wiki"] = AppRole.Guest },
            Groups(("ops", new() { ["portal"] = AppRole.Admin }), ("readers", new() { ["wiki"] = AppRole.User, ["console"] = AppRole.Guest })));

        Assert.Equal(new Dictionary<string, AppRole> { ["portal"] = AppRole.Admin, ["wiki"] = AppRole.User, ["console"] = AppRole.Guest }, held.Effective());
    }

    [Fact]
    public void Leaving_changing_or_deleting_the_group_that_gives_ones_admin_role_is_refused()
    {
        var held = new HeldRoles(new Dictionary<string, AppRole> { ["console"] = AppRole.User }, Groups(("ops", new() { ["portal"] = AppRole.Admin })));

        Assert.Equal(["portal"], OwnRoles.Lowered(held, held.WithoutGroup("ops"), null));
        Assert.Equal(["portal"], OwnRoles.Lowered(held, held.WithGroupRoles("ops", new Dictionary<string, AppRole> { ["portal"] = AppRole.User }), null));
        Assert.Equal(["portal"], OwnRoles.Lowered(held, held.WithGroups(Groups()), null));
    }

    [Fact]
    public void Losing_the_groups_role_on_the_calling_app_is_refused_even_when_it_is_no_admin_role()
    {
        var held = new HeldRoles(None, Groups(("staff", new() { ["console"] = AppRole.User })));

        Assert.Equal(["console"], OwnRoles.Lowered(held, held.WithGroupRoles("staff", new Dictionary<string, AppRole> { ["console"] = AppRole.Guest }), "console"));
        Assert.Empty(OwnRoles.Lowered(held, held.WithGroupRoles("staff", new Dictionary<string, AppRole> { ["console"] = AppRole.Guest }), null));
    }

    [Fact]
    public void A_change_that_keeps_the_effective_role_goes_ahead()
    {
        var held = new HeldRoles(new Dictionary<string, AppRole> { ["portal"] = AppRole.Admin, ["console"] = AppRole.User },
            Groups(("ops", new() { ["portal"] = AppRole.Admin, ["console"] = AppRole.User })));

        // Each source alone keeps the role: either may go, not both.
        Assert.Empty(OwnRoles.Lowered(held, held.WithUserAndAdminRoles(None), "console"));
        Assert.Empty(OwnRoles.Lowered(held, held.WithoutGroup("ops"), "console"));
        Assert.Equal(["console", "portal"], OwnRoles.Lowered(held, held.WithUserAndAdminRoles(None).WithoutGroup("ops"), "console"));
        // Another group's change, or one the admin is not in, is no change of theirs.
        Assert.Same(held, held.WithGroupRoles("elsewhere", None));
        Assert.Empty(OwnRoles.Lowered(held, held.WithGroupRoles("ops", new Dictionary<string, AppRole> { ["portal"] = AppRole.Admin, ["console"] = AppRole.Admin }), "console"));
    }

    [Fact]
    public void A_change_of_user_and_admin_roles_keeps_the_guest_grants_it_leaves_out()
    {
        var held = new HeldRoles(new Dictionary<string, AppRole> { ["wiki"] = AppRole.Guest, ["portal"] = AppRole.User }, Groups());

        Assert.Equal(new Dictionary<string, AppRole> { ["wiki"] = AppRole.Guest, ["console"] = AppRole.User }, held.WithUserAndAdminRoles(new Dictionary<string, AppRole> { ["console"] = AppRole.User }).Direct);
        Assert.Equal(new Dictionary<string, AppRole> { ["wiki"] = AppRole.User }, held.WithUserAndAdminRoles(new Dictionary<string, AppRole> { ["wiki"] = AppRole.User }).Direct);
    }

    [Fact]
    public void A_change_of_assignments_names_the_field_that_lowers_the_role()
    {
        var held = new HeldRoles(new Dictionary<string, AppRole> { ["wiki"] = AppRole.Admin, ["console"] = AppRole.User },
            Groups(("ops", new() { ["portal"] = AppRole.Admin }), ("wiki-admins", new() { ["wiki"] = AppRole.Admin })));
        var ops = Groups(("ops", new() { ["portal"] = AppRole.Admin }));

        Assert.Equal("roles [console], groups []", Split(OwnRoles.LoweredByAssignments(held, new Dictionary<string, AppRole> { ["wiki"] = AppRole.Admin }, held.Groups, "console")));
        Assert.Equal("roles [], groups [portal]", Split(OwnRoles.LoweredByAssignments(held, held.Direct, Groups(("wiki-admins", new() { ["wiki"] = AppRole.Admin })), "console")));
        // Dropping the direct wiki admin role, or the group that also gives it, goes ahead; dropping both is the roles' fault.
        Assert.Equal("roles [], groups []", Split(OwnRoles.LoweredByAssignments(held, new Dictionary<string, AppRole> { ["console"] = AppRole.User }, held.Groups, "console")));
        Assert.Equal("roles [], groups []", Split(OwnRoles.LoweredByAssignments(held, held.Direct, ops, "console")));
        Assert.Equal("roles [wiki], groups []", Split(OwnRoles.LoweredByAssignments(held, new Dictionary<string, AppRole> { ["console"] = AppRole.User }, ops, "console")));
        // A group dropped while the same role is given directly is no loss.
        Assert.Equal("roles [], groups []", Split(OwnRoles.LoweredByAssignments(held, new Dictionary<string, AppRole> { ["wiki"] = AppRole.Admin, ["console"] = AppRole.User, ["portal"] = AppRole.Admin },
            Groups(), "console")));
    }

    private static string Split((IReadOnlyList<string> ByRoles, IReadOnlyList<string> ByGroups) lowered) =>
        $"roles [{string.Join(", ", lowered.ByRoles)}], groups [{string.Join(", ", lowered.ByGroups)}]";

    private static Dictionary<string, IReadOnlyDictionary<string, AppRole>> Groups(params (string Id, Dictionary<string, AppRole> Roles)[] groups) =>
        groups.ToDictionary(g => g.Id, g => (IReadOnlyDictionary<string, AppRole>)g.Roles, StringComparer.Ordinal);
}
