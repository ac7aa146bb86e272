using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>Ends the IdP session. Only on a CSRF-protected POST: a link or an image must not sign people out.</summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(SessionDefaults.Scheme);
        return LocalRedirect("/account/signed-out");
    }
}
