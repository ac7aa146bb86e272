using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Tests.Sessions;

public sealed class SessionVisibilityTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch.AddYears(56);

    private static SignInSession Session(IReadOnlyList<SessionVerification>? verifications = null, params string[] clients) =>
        new("s", "a", Now, ["pwd"], Now, Now, Now.AddHours(8), "Firefox", "192.0.2.1", verifications ?? [], new Dictionary<string, DateTimeOffset>(), clients);

    [Fact]
    public void An_org_sees_the_sessions_it_has_a_part_in()
    {
        Assert.True(SessionVisibility.SeenBy(Session(null, "acme-wiki"), "acme", ["acme-wiki"], managesAccount: false));
        Assert.True(SessionVisibility.SeenBy(Session([new SessionVerification("acme", new VerificationRecord(Now, VerificationMethod.EmailOtp))]), "acme", [], managesAccount: false));
    }

    [Fact]
    public void Another_orgs_sign_in_of_the_same_person_is_not_its_to_see_unless_it_manages_the_account()
    {
        var elsewhere = Session([new SessionVerification("globex", new VerificationRecord(Now, VerificationMethod.EmailOtp))], "globex-spa");
        Assert.False(SessionVisibility.SeenBy(elsewhere, "acme", ["acme-wiki"], managesAccount: false));
        Assert.True(SessionVisibility.SeenBy(elsewhere, "acme", ["acme-wiki"], managesAccount: true));
    }
}
