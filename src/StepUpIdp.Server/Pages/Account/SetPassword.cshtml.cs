using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Passwords;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>The page an emailed set-password or reset link opens: choose a password, once, within 30 minutes.</summary>
public sealed class SetPasswordModel(PasswordLinks links, SessionsAfterPasswordChange signOut, StepUpDbContext db) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Token { get; set; }

    [BindProperty]
    public string? NewPassword { get; set; }

    public PasswordLinkState State { get; private set; }
    public string? Email { get; private set; }
    public string? Error { get; private set; }
    public bool Done { get; private set; }

    /// <summary>After <see cref="Done"/>: how many sessions of the account were ended, or null when they could not be.</summary>
    public int? SessionsEnded { get; private set; }

    public async Task OnGetAsync() => await LoadAsync();

    public async Task<IActionResult> OnPostAsync()
    {
        var result = await links.SetPasswordAsync(Token, NewPassword, HttpContext.RequestAborted);
        switch (result)
        {
            case SetPasswordResult.Done done:
                (Done, State, Email) = (true, PasswordLinkState.Used, done.Account.Email);
                // Whoever knew the old password (or holds a session) is out: the person signs in with the new one.
                SessionsEnded = await signOut.EndAsync(done.Account.Id, keepSessionId: null, HttpContext);
                return Page();
            case SetPasswordResult.Refused refused:
                await LoadAsync();
                Error = refused.Verdict.Message;
                Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
                return Page();
            default:
                State = ((SetPasswordResult.LinkUnusable)result).State;
                Response.StatusCode = StatusCodes.Status410Gone;
                return Page();
        }
    }

    private async Task LoadAsync()
    {
        var (state, link) = await links.InspectAsync(Token, HttpContext.RequestAborted);
        State = state;
        if (state == PasswordLinkState.Usable && link is not null)
        {
            Email = await db.Accounts.AsNoTracking().Where(a => a.Id == link.AccountId).Select(a => a.Email).SingleAsync(HttpContext.RequestAborted);
        }
        else
        {
            Response.StatusCode = StatusCodes.Status410Gone;
        }
    }
}
