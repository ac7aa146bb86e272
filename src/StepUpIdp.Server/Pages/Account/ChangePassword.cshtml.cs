using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.Passwords;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>A signed-in person changes their password with the current one.</summary>
[Authorize(AuthenticationSchemes = SessionDefaults.Scheme)]
public sealed class ChangePasswordModel(PasswordChange change, SessionsAfterPasswordChange signOut, SignInSessions sessions) : PageModel
{
    /// <summary>The lock-out is the sign-in's: the person (or whoever holds the session) learns it, and only how long to wait.</summary>
    public const string LockedMessage = "Too many wrong passwords were tried for this account. Wait 15 minutes and try again.";

    [BindProperty]
    public string? CurrentPassword { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    public string? CurrentError { get; private set; }
    public string? NewError { get; private set; }
    public bool Changed { get; private set; }

    /// <summary>After <see cref="Changed"/>: how many other sessions were ended, or null when they could not be.</summary>
    public int? OthersEnded { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        var accountId = SessionPrincipal.AccountId(User);
        if (accountId is null)
        {
            return Challenge(SessionDefaults.Scheme);
        }

        var (outcome, verdict) = await change.ChangeAsync(accountId, CurrentPassword, NewPassword, HttpContext.RequestAborted);
        switch (outcome)
        {
            case PasswordChangeOutcome.Changed:
                Changed = true;
                // Every other browser and app of the account is signed out; this one stays.
                var current = await sessions.CurrentAsync(HttpContext);
                OthersEnded = await signOut.EndAsync(accountId, current?.SessionId, HttpContext);
                return Page();
            case PasswordChangeOutcome.Locked:
                CurrentError = LockedMessage;
                break;
            case PasswordChangeOutcome.Refused:
                NewError = verdict!.Message;
                break;
            default:
                CurrentError = "That is not your current password.";
                break;
        }

        Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        return Page();
    }
}
