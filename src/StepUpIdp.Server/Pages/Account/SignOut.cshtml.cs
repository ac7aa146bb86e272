using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>Ends the IdP session (and tells its apps by back-channel logout). Only on a CSRF-protected POST: a link or an image must not sign people out.</summary>
public sealed class SignOutModel(SignInSessions sessions) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await sessions.SignOutAsync(HttpContext);
        return LocalRedirect("/account/signed-out");
    }
}
