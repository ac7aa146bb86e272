using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Sessions;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// <c>/account/sessions</c>: every browser or device signed in to this account (docs/sessions.md), when it signed in
/// and was last used, from which address, and for which organisations it is verified; the person can end one session
/// or all the others. Ending one signs that browser out and tells its apps by back-channel logout.
/// </summary>
[Authorize(AuthenticationSchemes = SessionDefaults.Scheme)]
public sealed class SessionsModel(SignInSessions sessions, StepUpDbContext db) : PageModel
{
    private static readonly Dictionary<string, string> Outcomes = new(StringComparer.Ordinal)
    {
        ["ended"] = "The session was ended. That browser is signed out.",
        ["others-ended"] = "All your other sessions were ended.",
        ["not-found"] = "That session had already ended.",
        ["unavailable"] = "Sessions cannot be changed right now; nothing was ended. Try again in a few minutes.",
    };

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public IReadOnlyList<SignInSession> Sessions { get; private set; } = [];
    public IReadOnlyDictionary<string, string> OrganisationNames { get; private set; } = new Dictionary<string, string>();
    public string? CurrentSessionId { get; private set; }
    public string? Unavailable { get; private set; }
    public string? Outcome => Done is not null ? Outcomes.GetValueOrDefault(Done) : null;

    public async Task<IActionResult> OnGetAsync()
    {
        Response.Headers.CacheControl = "no-store";
        if (await sessions.CurrentAsync(HttpContext) is not { } current)
        {
            return Challenge(SessionDefaults.Scheme);
        }

        CurrentSessionId = current.SessionId;
        try
        {
            Sessions = await sessions.ListAsync(current.AccountId);
        }
        catch (VerificationStoreUnavailableException)
        {
            Unavailable = "Your sessions cannot be listed right now. Try again in a few minutes.";
            return Page();
        }

        var orgIds = Sessions.SelectMany(s => s.Verifications.Select(v => v.OrganisationId)).Distinct().ToList();
        OrganisationNames = await db.Organisations.AsNoTracking().Where(o => orgIds.Contains(o.Id))
            .ToDictionaryAsync(o => o.Id, o => o.Name, HttpContext.RequestAborted);
        return Page();
    }

    public async Task<IActionResult> OnPostEndAsync(string id)
    {
        if (await sessions.CurrentAsync(HttpContext) is not { } current)
        {
            return Challenge(SessionDefaults.Scheme);
        }

        if (id == current.SessionId)
        {
            await sessions.SignOutAsync(HttpContext);
            return LocalRedirect("/account/signed-out");
        }

        if (string.IsNullOrEmpty(id) || id.Length > 100)
        {
            return RedirectToPage(new { done = "not-found" });
        }

        try
        {
            // Only the person's own sessions: the id is looked up under their account, never anyone else's.
            var ended = await sessions.EndAsync(current.AccountId, id, HttpContext);
            return RedirectToPage(new { done = ended is null ? "not-found" : "ended" });
        }
        catch (VerificationStoreUnavailableException)
        {
            return RedirectToPage(new { done = "unavailable" });
        }
    }

    public async Task<IActionResult> OnPostEndOthersAsync()
    {
        if (await sessions.CurrentAsync(HttpContext) is not { } current)
        {
            return Challenge(SessionDefaults.Scheme);
        }

        try
        {
            await sessions.EndAllAsync(current.AccountId, keepSessionId: current.SessionId, HttpContext);
            return RedirectToPage(new { done = "others-ended" });
        }
        catch (VerificationStoreUnavailableException)
        {
            return RedirectToPage(new { done = "unavailable" });
        }
    }

    /// <summary>"Acme (until 2026-03-03 09:00 UTC)" style list of where a session is verified.</summary>
    public string VerifiedFor(SignInSession session)
    {
        var orgs = session.Verifications.Select(v => v.OrganisationId).Distinct().Select(id => OrganisationNames.GetValueOrDefault(id, id)).ToList();
        return orgs.Count == 0 ? "not verified for any organisation" : string.Join(", ", orgs);
    }
}
