using System.Net;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.Passwords;

/// <summary>
/// A new password signs the account out elsewhere (docs/sessions.md, "When the password changes"): a reset link ends
/// every session, a change with the current password every other one; their refresh tokens fail with invalid_grant.
/// One host for the class; each test has an account of its own.
/// </summary>
[Trait("Category", "Redis")]
public sealed class PasswordSessionsTests(SharedIdpHost shared) : IClassFixture<SharedIdpHost>, IAsyncLifetime
{
    private const string Strong = BootstrapTests.StrongPassword;
    private static readonly Uri Callback = new("http://127.0.0.1:9/password-sessions/callback");
    private const string App = "password-sessions-app";
    private readonly IdpHost _idp = shared.Host;
    private readonly IPAddress _from = LoopbackAddresses.Next();

    public async Task InitializeAsync() => await shared.OnceAsync(App, async () =>
    {
        await _idp.RegisterPublicAppAsync(App, "acme", Callback, AppEnforcement.Exempt);
        return "registered";
    });

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_reset_link_signs_out_every_session_and_its_refresh_tokens_fail()
    {
        var dave = await NewPersonAsync();
        using var laptop = new Browser(_from) { StopAt = Callback };
        var (laptopFlow, laptopRefresh) = await SignInToAppAsync(laptop, dave);

        using var phone = new Browser(_from);
        var form = await phone.OpenAsync(new Uri(_idp.Address, "account/forgot-password"));
        await phone.SubmitAsync(form, new Dictionary<string, string> { ["Email"] = dave });
        var message = await shared.Mail.WaitForMessageAsync(m => m.To.Mailboxes.Any(b => b.Address == dave), TimeSpan.FromSeconds(10));
        var reset = await phone.OpenAsync(new Uri(MailPatterns.SetPasswordLink().Match(message.TextBody ?? "").Value));
        var done = await phone.SubmitAsync(reset, new Dictionary<string, string> { ["NewPassword"] = Strong });
        Assert.NotNull(done.Text("#password-set"));
        Assert.NotNull(done.Text("#sessions-ended"));

        var (status, refused) = await laptopFlow.RefreshAsync(laptopRefresh);
        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
        Assert.Equal("/account/signin", (await laptop.OpenAsync(new CodeFlow(_idp.Address, App, Callback).AuthorizeUri())).Url.AbsolutePath);
    }

    [Fact]
    public async Task A_password_change_signs_out_the_other_sessions_and_keeps_this_one()
    {
        var dave = await NewPersonAsync();
        using var laptop = new Browser(_from) { StopAt = Callback };
        var (laptopFlow, laptopRefresh) = await SignInToAppAsync(laptop, dave);
        using var phone = new Browser(_from) { StopAt = Callback };
        var (phoneFlow, phoneRefresh) = await SignInToAppAsync(phone, dave);

        var form = await laptop.OpenAsync(new Uri(_idp.Address, "account/password"));
        var changed = await laptop.SubmitAsync(form, new Dictionary<string, string> { ["CurrentPassword"] = People.Password, ["NewPassword"] = Strong });
        Assert.NotNull(changed.Text("#password-changed"));
        Assert.NotNull(changed.Text("#others-signed-out"));

        var (phoneStatus, refused) = await phoneFlow.RefreshAsync(phoneRefresh);
        Assert.Equal(400, phoneStatus);
        Assert.Equal("invalid_grant", refused.GetProperty("error").GetString());
        Assert.Equal("/account/signin", (await phone.OpenAsync(new CodeFlow(_idp.Address, App, Callback).AuthorizeUri())).Url.AbsolutePath);

        var (laptopStatus, _) = await laptopFlow.RefreshAsync(laptopRefresh);
        Assert.Equal(200, laptopStatus);
        Assert.NotNull(CodeFlow.ReadCallback(await laptop.OpenAsync(new CodeFlow(_idp.Address, App, Callback).AuthorizeUri())).Code);
    }

    private async Task<string> NewPersonAsync()
    {
        var email = $"dave-{Guid.NewGuid():N}@acme.test";
        await _idp.AddAccountAsync(email);
        await _idp.GrantAsync(App, email, AppRole.User);
        return email;
    }

    private async Task<(CodeFlow Flow, string RefreshToken)> SignInToAppAsync(Browser browser, string email)
    {
        var flow = new CodeFlow(_idp.Address, App, Callback);
        var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), email);
        var (status, tokens) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!);
        Assert.Equal(200, status);
        return (flow, tokens.GetProperty("refresh_token").GetString()!);
    }
}
