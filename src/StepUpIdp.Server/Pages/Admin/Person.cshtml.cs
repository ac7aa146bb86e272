using Microsoft.AspNetCore.Mvc;
using StepUpIdp.Server.Groups;
using StepUpIdp.Server.Users;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/users/{id}</c>: one person's roles, groups, sessions and verifications; change roles and groups,
/// deactivate or reactivate, remove from the org. Through <see cref="UserRoster"/> and <see cref="UserAdministration"/>.
/// </summary>
public sealed class PersonModel(UserRoster roster, UserAdministration administration, GroupEditor groups) : OrgAdminPageModel
{
    [FromRoute(Name = "id")] public string Id { get; set; } = string.Empty;

    [BindProperty] public List<string>? Groups { get; set; }

    public PersonDetail? Person { get; private set; }
    public IReadOnlyList<GroupListing> OrgGroups { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostAssignmentsAsync()
    {
        var roles = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (clientId, _) in Apps)
        {
            if (Request.Form.TryGetValue("role-" + clientId, out var role) && !string.IsNullOrEmpty(role) && role != "guest")
            {
                roles[clientId] = role.ToString();
            }
        }

        return await AnswerAsync(await administration.ChangeAssignmentsAsync(Org, AdminId, Id, roles, Groups?.ToList<string?>() ?? [], callingApp: null, HttpContext.RequestAborted),
            "Roles and groups were saved.");
    }

    public async Task<IActionResult> OnPostDeactivateAsync() =>
        await AnswerAsync(await administration.DeactivateAsync(Org, AdminId, Id, HttpContext.RequestAborted), "The account is deactivated: it cannot sign in, and its sessions ended.");

    public async Task<IActionResult> OnPostReactivateAsync() =>
        await AnswerAsync(await administration.ReactivateAsync(Org, AdminId, Id, HttpContext.RequestAborted), "The account is active again.");

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        var outcome = await administration.RemoveAsync(Org, AdminId, Id, HttpContext.RequestAborted);
        return outcome is PersonOutcome.Done ? Redirect($"/admin/{Org}/users") : await AnswerAsync(outcome, "");
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task<IActionResult> AnswerAsync(PersonOutcome outcome, string done)
    {
        switch (outcome)
        {
            case PersonOutcome.Done:
                Outcome = done;
                break;
            case PersonOutcome.Invalid invalid:
                Errors = invalid.Errors;
                break;
            case PersonOutcome.NotManaged:
                Response.StatusCode = StatusCodes.Status403Forbidden;
                Outcome = "Only the organisation that manages this account (its email domain is one of the organisation's verified domains) may do this.";
                break;
            case PersonOutcome.OverAllowance over:
                Errors = new Dictionary<string, string[]> { ["groups"] = [over.Refusal.Refusal.Message] };
                break;
        }

        return await ShowAsync();
    }

    private async Task<IActionResult> ShowAsync()
    {
        Person = await roster.FindAsync(Org, Id, HttpContext.RequestAborted);
        if (Person is null)
        {
            return NotFound();
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        OrgGroups = await groups.ListAsync(Org, HttpContext.RequestAborted);
        return Page();
    }
}
