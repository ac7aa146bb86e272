using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>Password sign-in. Says which app and organisation asked; one message for every failure.</summary>
public sealed class SignInModel(PasswordSignIn passwords, AccountDirectory directory, SignInSessions sessions) : PageModel
{
    public const string DeactivatedMessage = "This account has been deactivated by its organisation. Ask your organisation's administrator to reactivate it.";

    public const string FailureMessage = "That email and password don't match an account that can sign in right now. Check them and try again.";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Password { get; set; }

    public string? Error { get; private set; }
    public string? EmailError { get; private set; }
    public string? PasswordError { get; private set; }
    public string? AppName { get; private set; }
    public string? OrganisationName { get; private set; }

    public async Task OnGetAsync() => await DescribeRequesterAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        await DescribeRequesterAsync();
        // A field left empty (or impossibly long) is said next to that field; a wrong pair gets one message for both.
        if (string.IsNullOrWhiteSpace(Email) || Email.Length > 254)
        {
            EmailError = "Enter your email address, like name@example.com.";
        }

        if (string.IsNullOrEmpty(Password) || Password.Length > 1024)
        {
            PasswordError = "Enter your password.";
        }

        if (EmailError is not null || PasswordError is not null)
        {
            return Page();
        }

        var result = await passwords.SignInAsync(Email!, Password!, HttpContext.RequestAborted);
        if (result is PasswordSignInResult.Deactivated)
        {
            Error = DeactivatedMessage;
            return Page();
        }

        if (result is not PasswordSignInResult.Succeeded succeeded)
        {
            Error = FailureMessage;
            return Page();
        }

        await sessions.StartAsync(HttpContext, succeeded.Account.Id, [AuthenticationMethods.Password]);
        return LocalRedirect(SafeReturnUrl());
    }

    /// <summary>Only local URLs: an attacker must not use the sign-in page as an open redirector.</summary>
    private string SafeReturnUrl() => !string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : "/";

    private async Task DescribeRequesterAsync()
    {
        if (string.IsNullOrEmpty(ReturnUrl) || !Url.IsLocalUrl(ReturnUrl))
        {
            return;
        }

        var query = ReturnUrl.IndexOf('?') is var at and >= 0 ? QueryHelpers.ParseQuery(ReturnUrl[at..]) : [];
        if (query.TryGetValue("client_id", out var clientId))
        {
            var app = await directory.FindAppAsync(clientId.ToString(), HttpContext.RequestAborted);
            AppName = app?.AppName;
            OrganisationName = app?.OrganisationName;
        }
    }
}
