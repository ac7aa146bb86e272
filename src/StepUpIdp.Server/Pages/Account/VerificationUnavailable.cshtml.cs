using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>Shown when Redis cannot be reached and the person needs verification. Answers 503.</summary>
public sealed class VerificationUnavailableModel : PageModel
{
    public string? ReturnUrl { get; private set; }

    public void OnGet(string? returnUrl)
    {
        ReturnUrl = VerificationReturnUrl.IsValid(returnUrl) ? returnUrl : null;
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        Response.Headers.RetryAfter = "60";
    }
}
