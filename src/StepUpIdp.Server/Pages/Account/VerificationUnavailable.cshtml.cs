using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Shown when Redis cannot be reached and the person needs verification. Answers 503. Like the passcode page it names
/// the organisation that asks and what for (docs/decisions.md, "External-user verification"); the app is read from the
/// database, which the outage leaves alone.
/// </summary>
public sealed class VerificationUnavailableModel(AccountDirectory directory) : PageModel
{
    public string? ReturnUrl { get; private set; }

    public string? Why { get; private set; }

    public async Task OnGetAsync(string? returnUrl)
    {
        ReturnUrl = VerificationReturnUrl.IsValid(returnUrl) ? returnUrl : null;
        Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        Response.Headers.RetryAfter = "60";

        if (await VerificationReturnUrl.FindAppAsync(directory, ReturnUrl, HttpContext.RequestAborted) is { } app)
        {
            Why = app.ClientId == AccountDirectory.PortalClientId
                ? $"{app.OrganisationName} asks for a one-time code before you continue with your account."
                : $"{app.OrganisationName} asks for a one-time code to confirm it's you before you use {app.AppName}.";
        }
    }
}
