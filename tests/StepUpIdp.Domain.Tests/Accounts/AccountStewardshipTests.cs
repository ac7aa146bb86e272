using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Domain.Tests.Accounts;

public class AccountStewardshipTests
{
    private static readonly string[] Acme = ["acme.test"];

    [Theory]
    [InlineData("dave@acme.test")]
    [InlineData("DAVE@ACME.TEST")]
    public void An_org_acts_on_the_whole_account_of_a_person_on_its_verified_domain(string email) =>
        Assert.IsType<AccountActionDecision.Allowed>(AccountStewardship.Decide(AdminActionReach.WholeAccount, email, Acme));

    [Theory]
    [InlineData("bob@partner.test")]
    [InlineData("eve@eng.acme.test")]
    [InlineData("no-domain")]
    public void An_org_never_acts_on_the_whole_account_of_anyone_else(string email) =>
        Assert.IsType<AccountActionDecision.NotManaged>(AccountStewardship.Decide(AdminActionReach.WholeAccount, email, Acme));

    [Fact]
    public void An_org_with_no_verified_domain_manages_nobody() =>
        Assert.IsType<AccountActionDecision.NotManaged>(AccountStewardship.Decide(AdminActionReach.WholeAccount, "dave@acme.test", []));

    [Fact]
    public void An_org_acts_on_its_own_records_about_anyone() =>
        Assert.IsType<AccountActionDecision.Allowed>(AccountStewardship.Decide(AdminActionReach.OrgRecords, "bob@partner.test", Acme));

    [Fact]
    public void An_unknown_reach_is_refused() =>
        Assert.IsType<AccountActionDecision.NotManaged>(AccountStewardship.Decide((AdminActionReach)0, "dave@acme.test", Acme));
}
