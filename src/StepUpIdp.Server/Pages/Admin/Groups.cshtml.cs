using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.People;
using StepUpIdp.Server.Groups;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Users;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/groups</c>: create, rename (and change roles) and delete groups; add and remove members. A role per
/// app; a guest role names spaces, some read-only. Through <see cref="GroupEditor"/>, as the admin API.
/// </summary>
public sealed class GroupsModel(GroupEditor editor, IOptions<IdpOptions> idp) : OrgAdminPageModel
{
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Emails { get; set; }

    public IReadOnlyList<GroupListing> Listed { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();

    /// <summary>The group the errors belong to; null for the create form.</summary>
    public string? ErrorsOf { get; private set; }
    public string? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        var (outcome, _) = await editor.CreateAsync(Org, AdminId, Name, ReadRoles(), HttpContext.RequestAborted);
        return await AnswerAsync(outcome, null, $"The group {Name?.Trim()} was created.");
    }

    public async Task<IActionResult> OnPostChangeAsync(string group) =>
        await AnswerAsync(await editor.ChangeAsync(Org, AdminId, group, Name, ReadRoles(), callingApp: null, HttpContext.RequestAborted), group, "The group was saved.");

    public async Task<IActionResult> OnPostDeleteAsync(string group) =>
        await AnswerAsync(await editor.DeleteAsync(Org, AdminId, group, callingApp: null, HttpContext.RequestAborted), group, "The group was deleted.");

    public async Task<IActionResult> OnPostAddMembersAsync(string group)
    {
        var emails = (Emails ?? "").Split(['\n', '\r', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList<string?>();
        var (outcome, added) = await editor.AddMembersAsync(Org, AdminId, group, emails, IdpAddress.Root(Request, idp.Value), HttpContext.RequestAborted);
        return await AnswerAsync(outcome, group, added.Count == 0 ? "Nobody new was added." : $"Added {string.Join(", ", added.Select(a => a.Email))}.");
    }

    public async Task<IActionResult> OnPostRemoveMemberAsync(string group, string member) =>
        await AnswerAsync(await editor.RemoveMemberAsync(Org, AdminId, group, member, callingApp: null, HttpContext.RequestAborted), group, "The member was removed.");

    public string? ErrorFor(string? group, string prefix) =>
        ErrorsOf != group ? null
        : Errors.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).SelectMany(e => e.Value).ToList() is { Count: > 0 } messages ? string.Join(" ", messages) : null;

    /// <summary>One role per app from the selects and inputs named <c>role-</c>, <c>spaces-</c> and <c>readonly-</c> plus the client id.</summary>
    private List<GroupRoleRequest?> ReadRoles()
    {
        var roles = new List<GroupRoleRequest?>();
        foreach (var (clientId, _) in Apps)
        {
            var role = Request.Form["role-" + clientId].ToString();
            if (role.Length > 0)
            {
                roles.Add(new GroupRoleRequest(clientId, role, Split(Request.Form["spaces-" + clientId]), Split(Request.Form["readonly-" + clientId])));
            }
        }

        return roles;
    }

    private static List<string?> Split(string? text) =>
        (text ?? "").Split([',', ' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList<string?>();

    private async Task<IActionResult> AnswerAsync(PersonOutcome outcome, string? group, string done)
    {
        ErrorsOf = group;
        switch (outcome)
        {
            case PersonOutcome.Done:
                Outcome = done;
                break;
            case PersonOutcome.Invalid invalid:
                Errors = invalid.Errors;
                break;
            case PersonOutcome.OverAllowance over:
                Errors = new Dictionary<string, string[]> { ["emails"] = [over.Refusal.Refusal.Message] };
                break;
            default:
                Outcome = "That group (or member) is not in this organisation any more.";
                break;
        }

        return await ShowAsync();
    }

    private async Task<IActionResult> ShowAsync()
    {
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Listed = await editor.ListAsync(Org, HttpContext.RequestAborted);
        return Page();
    }
}
