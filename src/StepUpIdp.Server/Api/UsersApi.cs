using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.People;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Users;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>/api/orgs/{org}/users</c>: list, filter and page the org's people; invite up to ten; change roles, groups and
/// status (deactivate or reactivate a managed account); remove a person (docs/admin-guide.md, "People"). Through
/// <see cref="UserRoster"/>, <see cref="UserInvitations"/> and <see cref="UserAdministration"/>, as the admin pages.
/// </summary>
public static class UsersApi
{
    public static RouteGroupBuilder MapUsersApi(this RouteGroupBuilder org)
    {
        var users = org.MapGroup("/users");

        users.MapGet("/", async (HttpContext http, UserRoster roster, string? q, string? type, string? status, string? page, string? pageSize) =>
        {
            // Page numbers are read as text, so that one that is no number is a field error (AuditApi does the same).
            var numbers = new FieldErrors();
            var (pageNumber, size) = (Paging.Parse(page, "page", numbers), Paging.Parse(pageSize, "pageSize", numbers));
            var (query, errors) = UserQueryRules.Validate(q, type, status, pageNumber, size);
            if (numbers.Count > 0 || query is null)
            {
                return ProblemTypes.ValidationFailed(numbers.Count > 0 ? numbers.ToDictionary() : errors.ToDictionary());
            }

            var result = await roster.ListAsync(OrgCaller.From(http).OrganisationId, query, http.RequestAborted);
            return Results.Ok(new { page = result.Page, pageSize = result.PageSize, total = result.Total, users = result.Users.Select(Describe) });
        });

        users.MapPost("/", async (HttpContext http, UserInvitations invitations, IOptions<IdpOptions> idp) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<InvitationBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var (outcome, people) = await invitations.InviteAsync(caller.OrganisationId, caller.AccountId, body!.Emails, body.Roles, body.Groups,
                IdpAddress.Root(http.Request, idp.Value), http.RequestAborted);
            return outcome is PersonOutcome.Done
                ? Results.Ok(new
                {
                    users = people.Select(p => new
                    {
                        id = p.AccountId,
                        email = p.Email,
                        userType = p.UserType.ToClaimValue(),
                        accountCreated = p.AccountCreated,
                        link = p.Link == InvitationLink.SetPassword ? "set_password" : "sign_in",
                        emailed = p.Emailed,
                    }),
                })
                : Answer(outcome, "Nobody was invited.");
        });

        users.MapGet("/{id}", async (HttpContext http, string id, UserRoster roster) =>
            await roster.FindAsync(OrgCaller.From(http).OrganisationId, id, http.RequestAborted) is { } person
                ? Results.Ok(Describe(person, OrgCaller.From(http).OrganisationId))
                : NotFound());

        // PATCH changes what the body names and leaves the rest; PUT, the first release's verb, does the same.
        users.MapMethods("/{id}", [HttpMethods.Patch, HttpMethods.Put], async (HttpContext http, string id, UserAdministration admin) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<ChangeBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var (change, errors) = body!.ToChange();
            if (change is null)
            {
                return ProblemTypes.ValidationFailed(errors, "The request has invalid fields. Nothing was changed.");
            }

            var caller = OrgCaller.From(http);
            return Answer(await admin.ChangeAsync(caller.OrganisationId, caller.AccountId, id, change, caller.CallingApp, http.RequestAborted), "Nothing was changed.");
        });

        users.MapPost("/{id}/deactivate", async (HttpContext http, string id, UserAdministration admin) =>
            Answer(await admin.DeactivateAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted), "Nothing was changed."));

        users.MapPost("/{id}/reactivate", async (HttpContext http, string id, UserAdministration admin) =>
            Answer(await admin.ReactivateAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted), "Nothing was changed."));

        users.MapDelete("/{id}", async (HttpContext http, string id, UserAdministration admin) =>
            Answer(await admin.RemoveAsync(OrgCaller.From(http).OrganisationId, OrgCaller.From(http).AccountId, id, http.RequestAborted), "Nothing was changed."));

        return org;
    }

    /// <summary>204 when done; 404, 403 (an account the org does not manage), 409 (guest allowance) or 400 with field errors.</summary>
    internal static IResult Answer(PersonOutcome outcome, string nothingDone) => outcome switch
    {
        PersonOutcome.Done => Results.NoContent(),
        PersonOutcome.NotFound notFound => ProblemTypes.NotFoundProblem(notFound.What),
        PersonOutcome.Invalid invalid => ProblemTypes.ValidationFailed(invalid.Errors, $"The request has invalid fields. {nothingDone}"),
        PersonOutcome.NotManaged => ProblemTypes.Problem(StatusCodes.Status403Forbidden, ProblemTypes.AccountNotManaged,
            "Only the organisation that manages this account may do this.",
            "The account's email domain is not one of this organisation's verified domains, and the action would change the account for every organisation it uses."),
        PersonOutcome.OverAllowance over => Results.Problem(
            statusCode: StatusCodes.Status409Conflict,
            type: ProblemTypes.GuestAllowanceExceeded,
            title: $"The change would pass the organisation's guest allowance. {nothingDone}",
            detail: over.Refusal.Refusal.Message,
            extensions: new Dictionary<string, object?>
            {
                ["allowance"] = over.Refusal.Refusal.Allowance,
                ["wouldBe"] = over.Refusal.Refusal.WouldBe,
                ["currentGuests"] = over.Refusal.CurrentGuests,
                ["newGuests"] = over.Refusal.NewGuests,
                ["seatHolders"] = over.Refusal.SeatHolders,
                ["perSeat"] = over.Refusal.PerSeat,
            }),
        _ => throw new InvalidOperationException("Unknown outcome."),
    };

    private const string Active = "active";
    private const string Deactivated = "deactivated";

    private static IResult NotFound() => ProblemTypes.NotFoundProblem(PersonOutcome.NotFound.Person);

    private static object Describe(UserSummary user) => new
    {
        id = user.AccountId,
        email = user.Email,
        name = user.Name,
        type = user.TypeName,
        status = user.Deactivated ? Deactivated : Active,
        managed = user.Managed,
        member = user.Member,
        admin = user.Admin,
    };

    private static object Describe(PersonDetail person, string organisationId) => new
    {
        user = Describe(person.User),
        roles = person.Roles.Select(r => new { app = r.ClientId, appName = r.AppName, role = r.Role.ToClaimValue(), from = r.Sources }),
        groups = person.Groups.Select(g => new { id = g.Id, name = g.Name }),
        sessionsAvailable = person.Sessions is not null,
        sessions = (person.Sessions ?? []).Select(s => new
        {
            createdAt = s.CreatedAt,
            lastUsedAt = s.LastUsedAt,
            expiresAt = s.ExpiresAt,
            authTime = s.AuthTime,
            methods = s.Methods,
            device = s.Device,
            verifications = s.VerificationsFor(organisationId).Select(v => new { method = v.Method.ToWireName(), verifiedAt = v.VerifiedAt }),
        }),
    };

    private sealed class InvitationBody
    {
        public List<string?>? Emails { get; set; }
        public Dictionary<string, string?>? Roles { get; set; }
        public List<string?>? Groups { get; set; }
    }

    /// <summary>A change of one person: any of roles, groups and status; a field it does not know is an error, not ignored.</summary>
    private sealed class ChangeBody
    {
        public Dictionary<string, string?>? Roles { get; set; }
        public List<string?>? Groups { get; set; }
        public string? Status { get; set; }

        [JsonExtensionData]
        public Dictionary<string, JsonElement>? Unknown { get; set; }

        public (PersonChange? Change, Dictionary<string, string[]> Errors) ToChange()
        {
            var errors = (Unknown ?? []).Keys.ToDictionary(field => field, _ => new[] { "Unknown field: a change takes roles, groups and status." });
            bool? deactivated = Status is Active or Deactivated ? Status == Deactivated : null;
            if (Status is not null && deactivated is null)
            {
                errors["status"] = [$"The status is {Active} or {Deactivated}."];
            }

            return (errors.Count > 0 ? null : new PersonChange(Roles, Groups, deactivated), errors);
        }
    }
}
