using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;

namespace StepUpIdp.Domain.Tests.People;

public sealed class PeopleRulesTests
{
    private static readonly IReadOnlySet<string> Apps = new HashSet<string> { "portal" };
    private static readonly IReadOnlySet<string> Groups = new HashSet<string> { "g1" };

    [Fact]
    public void Ten_addresses_pass_and_an_eleventh_is_refused_at_the_emails_field()
    {
        Assert.Equal(0, UserInvitationRules.ValidateEmails(Enumerable.Range(1, 10).Select(i => (string?)$"p{i}@a.test").ToList()).Errors.Count);
        var errors = UserInvitationRules.ValidateEmails(Enumerable.Range(1, 11).Select(i => (string?)$"p{i}@a.test").ToList()).Errors.ToDictionary();
        Assert.Contains("at most 10", errors["emails"][0]);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("")]
    public void Implausible_and_repeated_addresses_are_refused(string bad)
    {
        Assert.True(UserInvitationRules.ValidateEmails([bad]).Errors.Count > 0);
        Assert.True(UserInvitationRules.ValidateEmails(["a@b.test", "A@B.test "]).Errors.Count > 0);
    }

    [Fact]
    public void Roles_are_user_or_admin_on_the_orgs_apps_and_groups_are_the_orgs()
    {
        var errors = new FieldErrors();
        var ok = UserInvitationRules.ValidateAssignments(new Dictionary<string, string?> { ["portal"] = "admin" }, ["g1", "g1"], Apps, Groups, errors);
        Assert.Equal(0, errors.Count);
        Assert.Equal(AppRole.Admin, ok.Roles["portal"]);
        Assert.Equal(["g1"], ok.Groups);

        UserInvitationRules.ValidateAssignments(new Dictionary<string, string?> { ["portal"] = "guest", ["other"] = "user" }, ["g2"], Apps, Groups, errors);
        var fields = errors.ToDictionary();
        Assert.Equal(2, fields["roles"].Length);
        Assert.Single(fields["groups"]);
    }

    [Fact]
    public void A_query_checks_type_status_and_paging()
    {
        var (query, _) = UserQueryRules.Validate(" ann ", "guest", "deactivated", 2, 10);
        Assert.Equal(new UserQuery("ann", PersonKind.Guest, AccountStatus.Deactivated, 2, 10), query);
        var (refused, errors) = UserQueryRules.Validate(null, "robot", "asleep", 0, 201);
        Assert.Null(refused);
        Assert.Equal(["page", "pageSize", "status", "type"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_guest_role_needs_the_apps_spaces_and_its_read_only_spaces_among_them()
    {
        var spaces = new Dictionary<string, IReadOnlySet<string>> { ["portal"] = new HashSet<string> { "eng", "sales" } };
        var errors = new FieldErrors();
        var roles = GroupRules.ValidateRoles([new GroupRoleRequest("portal", "guest", ["eng", "sales"], ["sales"])], spaces, errors);
        Assert.Equal(0, errors.Count);
        Assert.Equal(["sales"], roles.Single().ReadOnlySpaces);

        GroupRules.ValidateRoles([new GroupRoleRequest("portal", "guest", [], ["ops"]), new GroupRoleRequest("portal", "user", null, null)], spaces, errors);
        Assert.Equal(["roles[0].readOnlySpaces", "roles[0].spaces", "roles[1].app"], errors.ToDictionary().Keys.Order(StringComparer.Ordinal));

        var userWithSpaces = new FieldErrors();
        GroupRules.ValidateRoles([new GroupRoleRequest("portal", "user", ["eng"], null)], spaces, userWithSpaces);
        Assert.Equal(["roles[0].spaces"], userWithSpaces.ToDictionary().Keys);
    }

    [Fact]
    public void A_group_name_is_required_short_and_unique_in_the_org_ignoring_case()
    {
        var errors = new FieldErrors();
        Assert.Equal("Sales", GroupRules.ValidateName(" Sales ", ["Ops"], errors));
        Assert.Null(GroupRules.ValidateName("ops", ["Ops"], errors));
        Assert.Null(GroupRules.ValidateName("", [], errors));
        Assert.Null(GroupRules.ValidateName(new string('x', 101), [], errors));
        Assert.Equal(3, errors.ToDictionary()["name"].Length);
    }

    [Fact]
    public void A_space_is_read_only_only_when_no_grant_makes_it_writable()
    {
        var (spaces, readOnly) = GuestSpaces.Combine(["eng"], [(["eng", "sales"], ["eng", "sales"]), (["ops"], [])]);
        Assert.Equal(["eng", "sales", "ops"], spaces);
        Assert.Equal(["sales"], readOnly);
    }
}
