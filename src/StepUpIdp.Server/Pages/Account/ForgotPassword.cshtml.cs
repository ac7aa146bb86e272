using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Passwords;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Asks for a reset link. Every address gets the same answer after the same work (the request is queued, and
/// <see cref="PasswordResetQueue"/> does the rest), so neither the words nor the timing can be used to find accounts.
/// </summary>
public sealed class ForgotPasswordModel(PasswordResetQueue requests, IOptions<IdpOptions> idp) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public IActionResult OnPost()
    {
        requests.Enqueue((Email?.Trim(), IdpAddress.Root(Request, idp.Value)));
        Sent = true;
        return Page();
    }
}
