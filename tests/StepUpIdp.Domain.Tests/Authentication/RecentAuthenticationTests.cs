using StepUpIdp.Domain.Authentication;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Verification;

namespace StepUpIdp.Domain.Tests.Authentication;

public class RecentAuthenticationTests
{
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly string[] Password = [AuthenticationMethods.Password];

    [Fact]
    public void A_password_sign_in_proves_no_mailbox()
    {
        Assert.False(RecentAuthentication.MailboxProved(Now, Now, Password, []));
    }

    [Fact]
    public void An_emailed_passcode_in_the_window_proves_it_and_an_older_one_does_not()
    {
        Assert.True(RecentAuthentication.MailboxProved(Now, Now, Password, [new VerificationRecord(Now.AddMinutes(-15), VerificationMethod.EmailOtp)]));
        Assert.False(RecentAuthentication.MailboxProved(Now, Now, Password, [new VerificationRecord(Now.AddMinutes(-15).AddSeconds(-1), VerificationMethod.EmailOtp)]));
    }

    [Fact]
    public void An_authenticator_code_is_no_proof_of_the_mailbox()
    {
        Assert.False(RecentAuthentication.MailboxProved(Now, Now, Password, [new VerificationRecord(Now, VerificationMethod.Totp)]));
    }

    [Fact]
    public void A_guests_recent_passcode_sign_in_proves_it()
    {
        Assert.True(RecentAuthentication.MailboxProved(Now, Now.AddMinutes(-3), [AuthenticationMethods.OneTimePasscode], []));
        Assert.False(RecentAuthentication.MailboxProved(Now, Now.AddMinutes(-20), [AuthenticationMethods.OneTimePasscode], []));
    }

    [Fact]
    public void A_token_strong_and_recent_enough_needs_nothing()
    {
        Assert.Null(RecentAuthentication.ForToken(Now, Now.AddMinutes(-14).ToUnixTimeSeconds(), AcrValues.Otp, AcrLevel.Otp, recent: true));
    }

    [Fact]
    public void A_basic_token_is_challenged_for_otp()
    {
        var stepUp = RecentAuthentication.ForToken(Now, Now.ToUnixTimeSeconds(), AcrValues.Basic, AcrLevel.Otp, recent: false);

        Assert.Equal(AcrLevel.Otp, stepUp?.Acr);
        Assert.Null(stepUp?.MaxAge);
    }

    [Fact]
    public void An_old_sign_in_is_challenged_with_max_age_and_a_missing_auth_time_counts_as_old()
    {
        Assert.Equal(RecentAuthentication.Window, RecentAuthentication.ForToken(Now, Now.AddMinutes(-16).ToUnixTimeSeconds(), AcrValues.TwoStep, AcrLevel.Otp, recent: true)?.MaxAge);
        Assert.NotNull(RecentAuthentication.ForToken(Now, null, AcrValues.TwoStep, null, recent: true));
    }
}
