using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Asks the person before an app's logout request without a valid hint ends their session (docs/sessions.md). The
/// form posts the request back to the end-session endpoint with an antiforgery token, so another site cannot.
/// </summary>
public sealed class EndSessionModel(AccountDirectory directory) : PageModel
{
    [BindProperty(SupportsGet = true, Name = "client_id")]
    public string? ClientId { get; set; }

    [BindProperty(SupportsGet = true, Name = "post_logout_redirect_uri")]
    public string? PostLogoutRedirectUri { get; set; }

    [BindProperty(SupportsGet = true, Name = "state")]
    public string? State { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Mismatch { get; set; }

    public string? AppName { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        AppName = (await directory.FindAppAsync(ClientId, HttpContext.RequestAborted))?.AppName;
        if (Mismatch is not null)
        {
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }

        return Page();
    }
}
