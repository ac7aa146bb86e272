using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.Guests;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/apps/{app}/guests</c>: an app's guests, with their spaces, end date and last sign-in; invite,
/// change spaces, remove. Every change goes through <see cref="GuestInvitations"/>, the same path as the admin API.
/// </summary>
public sealed class GuestsModel(GuestDirectory directory, GuestInvitations invitations, IOptions<IdpOptions> idp) : OrgAdminPageModel
{
    private static readonly Dictionary<string, string> Outcomes = new(StringComparer.Ordinal)
    {
        ["changed"] = "The guest's spaces were changed.",
        ["removed"] = "The guest was removed from this app. Their account stays.",
        ["not-found"] = "That person is no longer a guest of this app; nothing was done.",
    };

    [FromRoute(Name = "app")]
    public string AppId { get; set; } = string.Empty;

    [BindProperty]
    public string? Emails { get; set; }

    [BindProperty]
    public List<string> Spaces { get; set; } = [];

    [BindProperty]
    public string? ExpiresOn { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Done { get; set; }

    public App? Application { get; private set; }
    public IReadOnlyList<GuestListing> Guests { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Refusal { get; private set; }
    public IReadOnlyList<InvitedPerson> Invited { get; private set; } = [];

    /// <summary>The guest whose change was refused, and why.</summary>
    public (string AccountId, string Message)? ChangeError { get; private set; }

    public string? Outcome => Done is not null ? Outcomes.GetValueOrDefault(Done) : null;

    public IReadOnlyList<string> AppSpaces => Application?.Spaces.Select(s => s.Key).Order(StringComparer.Ordinal).ToList() ?? [];

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : NotFound();

    public async Task<IActionResult> OnPostInviteAsync()
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        DateTimeOffset? expiresAt = null;
        if (!string.IsNullOrWhiteSpace(ExpiresOn))
        {
            if (!DateOnly.TryParseExact(ExpiresOn.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
            {
                Errors = new Dictionary<string, string[]> { [GuestInvitationRules.Fields.ExpiresAt] = ["Enter the date as year-month-day, for example 2027-01-31, or leave it empty."] };
                return Page();
            }

            expiresAt = new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        }

        // One address a line, or separated by commas, semicolons or spaces, as people paste them.
        var emails = (Emails ?? string.Empty).Split([',', ';', ' ', '\t', '\r', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var outcome = await invitations.InviteAsync(AdminId, Application!, emails, Spaces, expiresAt,
            GuestSignInLink.For(Request, idp.Value, Application!.ClientId), HttpContext.RequestAborted);
        switch (outcome)
        {
            case InvitationOutcome.Invalid invalid:
                Errors = invalid.Errors;
                break;
            case InvitationOutcome.OverAllowance over:
                Refusal = over.Refusal.Message + " Nobody was invited.";
                break;
            case InvitationOutcome.Done done:
                Invited = done.People;
                Emails = null;
                Spaces = [];
                ExpiresOn = null;
                await LoadAsync();
                break;
        }

        return Page();
    }

    public async Task<IActionResult> OnPostChangeAsync(string id, List<string> guestSpaces)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var outcome = await invitations.ChangeAsync(AdminId, Application!, id, guestSpaces, null, expiresAtGiven: false, HttpContext.RequestAborted);
        if (outcome is GuestChangeOutcome.Invalid invalid)
        {
            ChangeError = (id, string.Join(" ", invalid.Errors.SelectMany(e => e.Value)));
            return Page();
        }

        return RedirectToPage(new { org = Org, app = AppId, done = outcome is GuestChangeOutcome.Done ? "changed" : "not-found" });
    }

    public async Task<IActionResult> OnPostRemoveAsync(string id)
    {
        if (!await LoadAsync())
        {
            return NotFound();
        }

        var outcome = await invitations.RemoveAsync(AdminId, Application!, id, HttpContext.RequestAborted);
        return RedirectToPage(new { org = Org, app = AppId, done = outcome is GuestChangeOutcome.Done ? "removed" : "not-found" });
    }

    public static string Describe(InvitedPerson person) => person.Result switch
    {
        InvitationResult.AlreadyUser => $"{person.Email} already has the {person.Role.ToString().ToLowerInvariant()} role on this app, so they are a user, not a guest. Nothing was changed.",
        InvitationResult.AlreadyGuest => $"{person.Email} is already a guest of this app. Nothing was changed; change their spaces in the list below.",
        _ => person.Emailed
            ? $"{person.Email} is now a guest and was emailed a sign-in link."
            : $"{person.Email} is now a guest, but the invitation email could not be sent. Share the guest sign-in link with them.",
    };

    /// <summary>The app, if it belongs to this org, and its guests.</summary>
    private async Task<bool> LoadAsync()
    {
        Application = await directory.FindAppAsync(Org, AppId, HttpContext.RequestAborted);
        if (Application is null)
        {
            return false;
        }

        Guests = await directory.ListAsync(Application, HttpContext.RequestAborted);
        return true;
    }
}
