using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.People;
using StepUpIdp.Server.Groups;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Users;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/users</c>: the org's people, filtered by text, type and status and paged; invite up to ten with
/// roles and groups. Through <see cref="UserRoster"/> and <see cref="UserInvitations"/>, as the admin API.
/// </summary>
public sealed class UsersModel(UserRoster roster, UserInvitations invitations, GroupEditor groups, IOptions<IdpOptions> idp) : OrgAdminPageModel
{
    [BindProperty(SupportsGet = true)] public string? Q { get; set; }
    [BindProperty(SupportsGet = true)] public string? Type { get; set; }
    [BindProperty(SupportsGet = true)] public string? Status { get; set; }
    [BindProperty(SupportsGet = true, Name = "p")] public int? PageNumber { get; set; }

    [BindProperty] public string? Emails { get; set; }

    /// <summary>Client id to role (empty: none), from the invitation form's selects named <c>role-{clientId}</c>.</summary>
    public Dictionary<string, string?> Roles { get; } = new(StringComparer.Ordinal);

    [BindProperty] public List<string>? Groups { get; set; }

    public UserPage? Listing { get; private set; }
    public IReadOnlyList<GroupListing> OrgGroups { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public IReadOnlyList<InvitedUser> Invited { get; private set; } = [];
    public string? Outcome { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await ShowAsync();

    public async Task<IActionResult> OnPostInviteAsync()
    {
        foreach (var (clientId, _) in Apps)
        {
            if (Request.Form.TryGetValue("role-" + clientId, out var role) && !string.IsNullOrEmpty(role))
            {
                Roles[clientId] = role.ToString();
            }
        }

        var emails = (Emails ?? "").Split(['\n', '\r', ',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList<string?>();
        var (outcome, people) = await invitations.InviteAsync(Org, AdminId, emails, Roles, Groups?.ToList<string?>(), IdpAddress.Root(Request, idp.Value), HttpContext.RequestAborted);
        switch (outcome)
        {
            case PersonOutcome.Done:
                Invited = people;
                Outcome = $"Invited {people.Count}: " + string.Join(", ", people.Select(p =>
                    $"{p.Email} ({(p.Link == InvitationLink.SetPassword ? "set-password link" : "sign-in link")}{(p.Emailed ? " emailed" : ", email not sent")})"));
                Emails = null;
                break;
            case PersonOutcome.Invalid invalid:
                Errors = invalid.Errors;
                break;
            case PersonOutcome.OverAllowance over:
                Errors = new Dictionary<string, string[]> { ["groups"] = [over.Refusal.Refusal.Message] };
                break;
        }

        return await ShowAsync();
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    private async Task<IActionResult> ShowAsync()
    {
        var (query, errors) = UserQueryRules.Validate(Q, Type, Status, PageNumber, null);
        if (query is null)
        {
            Errors = errors.ToDictionary();
            query = new UserQuery(null, null, null, 1, Paging.DefaultPageSize);
        }

        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Listing = await roster.ListAsync(Org, query, HttpContext.RequestAborted);
        OrgGroups = await groups.ListAsync(Org, HttpContext.RequestAborted);
        return Page();
    }
}
