using Microsoft.AspNetCore.Mvc;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.Admin;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/external-users</c>: the org's external users with their verification state, and the admin's
/// actions on each (through <see cref="ExternalUserRoster"/>, the same path as the admin API).
/// </summary>
public sealed class ExternalUsersModel(ExternalUserRoster roster) : OrgAdminPageModel
{
    /// <summary>What the last action did; only these fixed values are shown, so the query string cannot inject text.</summary>
    private static readonly Dictionary<string, string> Outcomes = new(StringComparer.Ordinal)
    {
        ["reset"] = "The verification was reset: they will be asked for a one-time code at their next sign-in.",
        ["access-ended"] = "Their access was ended: every session must sign in and verify again, their apps' refresh tokens stop working, and apps that asked are told by back-channel logout.",
        ["unlocked"] = "The verification was unlocked: they can try passcodes again.",
        ["authenticator-reset"] = "The authenticator app was removed and the verification reset: they set up a new app when one is needed.",
        ["not-found"] = "That person is not an external user of this organisation any more; nothing was done.",
        ["not-managed"] = "Only the organisation that manages that person's email domain can do this; nothing was done. They can ask their own organisation's administrator.",
        ["unavailable"] = "Verification state cannot be reached right now; nothing was done. Try again in a few minutes.",
    };

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public IReadOnlyList<ExternalUserStatus> Users { get; private set; } = [];
    public string? Unavailable { get; private set; }
    public string? Outcome => Done is not null ? Outcomes.GetValueOrDefault(Done) : null;

    public async Task OnGetAsync()
    {
        try
        {
            Users = await roster.ListAsync(Org, HttpContext.RequestAborted);
        }
        catch (VerificationStoreUnavailableException)
        {
            Unavailable = "Verification state cannot be reached right now, so the list cannot be shown. Try again in a few minutes.";
        }
    }

    public async Task<IActionResult> OnPostResetVerificationAsync(string id) =>
        After(await roster.ResetVerificationAsync(Org, AdminId, id, HttpContext.RequestAborted), "reset");

    public async Task<IActionResult> OnPostEndAccessAsync(string id) =>
        After(await roster.EndAccessAsync(Org, AdminId, id, HttpContext.RequestAborted), "access-ended");

    public async Task<IActionResult> OnPostUnlockAsync(string id) =>
        After(await roster.UnlockAsync(Org, AdminId, id, HttpContext.RequestAborted), "unlocked");

    public async Task<IActionResult> OnPostResetAuthenticatorAsync(string id) =>
        After(await roster.ResetAuthenticatorAsync(Org, AdminId, id, HttpContext.RequestAborted), "authenticator-reset");

    private RedirectToPageResult After(ExternalUserActionResult result, string done) => RedirectToPage(new
    {
        org = Org,
        done = result switch
        {
            ExternalUserActionResult.Done => done,
            ExternalUserActionResult.NotFound => "not-found",
            ExternalUserActionResult.NotManaged => "not-managed",
            _ => "unavailable",
        },
    });
}
