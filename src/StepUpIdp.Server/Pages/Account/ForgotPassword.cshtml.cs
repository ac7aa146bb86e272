using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Passwords;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>Asks for a reset link. Every address gets the same answer, so the page cannot be used to find accounts.</summary>
public sealed class ForgotPasswordModel(PasswordResetRequests requests, IOptions<IdpOptions> idp) : PageModel
{
    [BindProperty]
    public string? Email { get; set; }

    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await requests.RequestAsync(Email?.Trim(), IdpAddress.Root(Request, idp.Value), HttpContext.RequestAborted);
        Sent = true;
        return Page();
    }
}
