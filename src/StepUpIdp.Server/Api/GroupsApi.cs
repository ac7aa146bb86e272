using Microsoft.Extensions.Options;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Groups;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Users;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>/api/orgs/{org}/groups</c>: create, rename (and change roles), delete; add members (by address, or one of the
/// org's people by id) and remove them
/// (docs/admin-guide.md, "Groups"). Through <see cref="GroupEditor"/>, as the admin pages.
/// </summary>
public static class GroupsApi
{
    public static RouteGroupBuilder MapGroupsApi(this RouteGroupBuilder org)
    {
        var groups = org.MapGroup("/groups");

        groups.MapGet("/", async (HttpContext http, GroupEditor editor) =>
            Results.Ok(new { groups = (await editor.ListAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted)).Select(Describe) }));

        groups.MapPost("/", async (HttpContext http, GroupEditor editor) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<GroupBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var (outcome, id) = await editor.CreateAsync(caller.OrganisationId, caller.AccountId, body!.Name, body.Roles?.Select(r => r?.ToRequest()).ToList(), http.RequestAborted);
            return outcome is PersonOutcome.Done
                ? Results.Created($"/api/orgs/{caller.OrganisationId}/groups/{id}", Describe((await editor.FindAsync(caller.OrganisationId, id!, http.RequestAborted))!))
                : UsersApi.Answer(outcome, "No group was created.");
        });

        groups.MapGet("/{id}", async (HttpContext http, string id, GroupEditor editor) =>
            await editor.FindAsync(OrgCaller.From(http).OrganisationId, id, http.RequestAborted) is { } group
                ? Results.Ok(Describe(group))
                : UsersApi.Answer(new PersonOutcome.NotFound(PersonOutcome.NotFound.Group), ""));

        groups.MapPut("/{id}", async (HttpContext http, string id, GroupEditor editor) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<GroupBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var outcome = await editor.ChangeAsync(caller.OrganisationId, caller.AccountId, id, body!.Name, body.Roles?.Select(r => r?.ToRequest()).ToList(),
                caller.CallingApp, http.RequestAborted);
            return outcome is PersonOutcome.Done
                ? Results.Ok(Describe((await editor.FindAsync(caller.OrganisationId, id, http.RequestAborted))!))
                : UsersApi.Answer(outcome, "Nothing was changed.");
        });

        groups.MapDelete("/{id}", async (HttpContext http, string id, GroupEditor editor) =>
        {
            var caller = OrgCaller.From(http);
            return UsersApi.Answer(await editor.DeleteAsync(caller.OrganisationId, caller.AccountId, id, caller.CallingApp, http.RequestAborted), "Nothing was changed.");
        });

        groups.MapPost("/{id}/members", async (HttpContext http, string id, GroupEditor editor, IOptions<IdpOptions> idp) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<MembersBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var (outcome, added) = await editor.AddMembersAsync(caller.OrganisationId, caller.AccountId, id, body!.Emails, IdpAddress.Root(http.Request, idp.Value), http.RequestAborted);
            return outcome is PersonOutcome.Done
                ? Results.Ok(new { added = added.Select(m => new { id = m.AccountId, email = m.Email, name = m.Name }) })
                : UsersApi.Answer(outcome, "Nobody was added.");
        });

        groups.MapPut("/{id}/members/{accountId}", async (HttpContext http, string id, string accountId, GroupEditor editor, IOptions<IdpOptions> idp) =>
        {
            var caller = OrgCaller.From(http);
            return UsersApi.Answer(await editor.AddMemberAsync(caller.OrganisationId, caller.AccountId, id, accountId, IdpAddress.Root(http.Request, idp.Value),
                http.RequestAborted), "Nobody was added.");
        });

        groups.MapDelete("/{id}/members/{accountId}", async (HttpContext http, string id, string accountId, GroupEditor editor) =>
        {
            var caller = OrgCaller.From(http);
            return UsersApi.Answer(await editor.RemoveMemberAsync(caller.OrganisationId, caller.AccountId, id, accountId, caller.CallingApp, http.RequestAborted),
                "Nothing was changed.");
        });

        return org;
    }

    private static object Describe(GroupListing group) => new
    {
        id = group.Id,
        name = group.Name,
        guestGroup = group.IsGuestGroup,
        roles = group.Roles.Select(r => new { app = r.AppClientId, role = r.Role.ToClaimValue(), spaces = r.Spaces, readOnlySpaces = r.ReadOnlySpaces }),
        members = group.Members.Select(m => new { id = m.AccountId, email = m.Email, name = m.Name }),
    };

    private sealed class GroupBody
    {
        public string? Name { get; set; }
        public List<RoleBody?>? Roles { get; set; }
    }

    private sealed class RoleBody
    {
        public string? App { get; set; }
        public string? Role { get; set; }
        public List<string?>? Spaces { get; set; }
        public List<string?>? ReadOnlySpaces { get; set; }

        public GroupRoleRequest ToRequest() => new(App, Role, Spaces, ReadOnlySpaces);
    }

    private sealed class MembersBody
    {
        public List<string?>? Emails { get; set; }
    }
}
