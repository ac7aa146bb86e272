using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace StepUpIdp.Server.Pages;

/// <summary>
/// A readable page for errors that cannot go back to the relying app (unknown client, wrong redirect URI)
/// and for unexpected failures. Never shows a stack trace.
/// </summary>
[IgnoreAntiforgeryToken]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "The request could not be completed. Please go back to the application and try again.";
    public string? OAuthError { get; private set; }

    // The status comes from the route only: a re-executed form post still carries its form, and a field named "code"
    // (the passcode and recovery-code pages have one) would otherwise be read as the status.
    public IActionResult OnGet([FromRoute] int? code) => Describe(code);
    public IActionResult OnPost([FromRoute] int? code) => Describe(code);

    private IActionResult Describe(int? code)
    {
        var response = HttpContext.GetOpenIddictServerResponse();
        if (response is not null && !string.IsNullOrEmpty(response.Error))
        {
            var path = HttpContext.Features.Get<Microsoft.AspNetCore.Diagnostics.IStatusCodeReExecuteFeature>()?.OriginalPath;
            Title = string.Equals(path, Oidc.OidcServiceCollectionExtensions.EndSessionPath, StringComparison.OrdinalIgnoreCase)
                ? "The application's sign-out request was not valid"
                : "The application's sign-in request was not valid";
            Message = response.ErrorDescription ?? "The application sent a request the identity provider cannot accept.";
            OAuthError = response.Error;
            return Page();
        }

        if (Response.StatusCode == StatusCodes.Status503ServiceUnavailable)
        {
            // An outage of the database (Hosting/DatabaseOutageAnswers.cs): nothing the person did, and it passes.
            Title = "Temporarily unavailable";
            Message = "The sign-in service cannot complete your request right now. Please wait a minute, then go back to the application and try again.";
        }

        if (code == StatusCodes.Status400BadRequest && HttpMethods.IsPost(Request.Method)) // a re-executed request keeps its method
        {
            // A form that could not be taken: almost always one whose antiforgery token no longer matches (sent twice, or
            // from a tab opened before the person signed in, out or confirmed a code elsewhere; docs/sessions.md), else a
            // form the framework could not read.
            Title = "This page is out of date";
            Message = "The form was sent from a page that is no longer current, for example after you signed in or confirmed a code in another tab, or sent it twice. Go back to the application and continue from there.";
        }

        if (code == StatusCodes.Status403Forbidden)
        {
            // The same words for an org that does not exist as for one the person may not administer.
            Title = "You cannot see this page";
            Message = "Only administrators of this organisation can open this page. Sign in with an administrator's account, or ask one for help.";
        }

        if (code == StatusCodes.Status404NotFound)
        {
            Title = "Page not found";
            Message = "There is no page at this address.";
        }

        return Page();
    }
}
