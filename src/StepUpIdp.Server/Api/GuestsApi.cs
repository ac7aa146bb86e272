using System.Text.Json.Serialization;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Api;

/// <summary><c>/api/orgs/{org}/apps/{app}/guests</c>: list, invite, change and remove an app's guests.</summary>
public static class GuestsApi
{
    public static RouteGroupBuilder MapGuestsApi(this RouteGroupBuilder org)
    {
        var guests = org.MapGroup("/apps/{app}/guests");

        guests.MapGet("/", async (HttpContext http, string app, GuestDirectory directory) =>
        {
            if (await FindAppAsync(http, app, directory) is not { } found)
            {
                return UnknownApp();
            }

            var list = await directory.ListAsync(found, http.RequestAborted);
            return Results.Ok(new { guests = list.Select(Describe) });
        });

        guests.MapPost("/", async (HttpContext http, string app, GuestDirectory directory, GuestInvitations invitations, IOptions<IdpOptions> idp) =>
        {
            if (await FindAppAsync(http, app, directory) is not { } found)
            {
                return UnknownApp();
            }

            var (body, problem) = await JsonBody.ReadAsync<InvitationBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await invitations.InviteAsync(OrgCaller.From(http).AccountId, found, body!.Emails, body.Spaces, body.ExpiresAt,
                GuestSignInLink.For(http.Request, idp.Value, found.ClientId), http.RequestAborted);
            return outcome switch
            {
                InvitationOutcome.Invalid invalid => ProblemTypes.ValidationFailed(invalid.Errors, "The invitation has invalid fields; nobody was invited."),
                InvitationOutcome.OverAllowance over => Results.Problem(
                    statusCode: StatusCodes.Status409Conflict,
                    type: ProblemTypes.GuestAllowanceExceeded,
                    title: "The invitation would pass the organisation's guest allowance; nobody was invited.",
                    detail: over.Refusal.Message,
                    extensions: new Dictionary<string, object?>
                    {
                        ["allowance"] = over.Refusal.Allowance,
                        ["wouldBe"] = over.Refusal.WouldBe,
                        ["currentGuests"] = over.CurrentGuests,
                        ["newGuests"] = over.NewGuests,
                        ["seatHolders"] = over.SeatHolders,
                        ["perSeat"] = over.PerSeat,
                    }),
                InvitationOutcome.Done done => Results.Ok(new { guests = done.People.Select(Describe) }),
                _ => throw new InvalidOperationException("Unknown invitation outcome."),
            };
        });

        guests.MapPut("/{id}", async (HttpContext http, string app, string id, GuestDirectory directory, GuestInvitations invitations) =>
        {
            if (await FindAppAsync(http, app, directory) is not { } found)
            {
                return UnknownApp();
            }

            var (body, problem) = await JsonBody.ReadAsync<ChangeBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var outcome = await invitations.ChangeAsync(OrgCaller.From(http).AccountId, found, id, body!.Spaces, body.ExpiresAt, body.ExpiresAtGiven, http.RequestAborted);
            if (outcome is GuestChangeOutcome.Done)
            {
                var changed = (await directory.ListAsync(found, http.RequestAborted)).Single(g => g.AccountId == id);
                return Results.Ok(Describe(changed));
            }

            return Answer(outcome);
        });

        guests.MapDelete("/{id}", async (HttpContext http, string app, string id, GuestDirectory directory, GuestInvitations invitations) =>
            await FindAppAsync(http, app, directory) is { } found
                ? Answer(await invitations.RemoveAsync(OrgCaller.From(http).AccountId, found, id, http.RequestAborted))
                : UnknownApp());

        return org;
    }

    private static Task<App?> FindAppAsync(HttpContext http, string app, GuestDirectory directory) =>
        directory.FindAppAsync(OrgCaller.From(http).OrganisationId, app, http.RequestAborted);

    private static IResult UnknownApp() => ProblemTypes.NotFoundProblem("An app with this client id in this organisation");

    private static IResult Answer(GuestChangeOutcome outcome) => outcome switch
    {
        GuestChangeOutcome.NotFound => ProblemTypes.NotFoundProblem("A guest with this id on this app"),
        GuestChangeOutcome.Invalid invalid => ProblemTypes.ValidationFailed(invalid.Errors, "The change has invalid fields; nothing was changed."),
        GuestChangeOutcome.Done => Results.NoContent(),
        _ => throw new InvalidOperationException("Unknown change outcome."),
    };

    private static object Describe(GuestListing guest) => new
    {
        id = guest.AccountId,
        email = guest.Email,
        name = guest.Name,
        role = guest.Role.ToClaimValue(),
        guest = guest.Role == AppRole.Guest,
        spaces = guest.Spaces,
        expiresAt = guest.ExpiresAt,
        lastSignInAt = guest.LastSignInAt,
        invitedBy = guest.InvitedBy,
        invitedAt = guest.InvitedAt,
    };

    private static object Describe(InvitedPerson person) => new
    {
        id = person.AccountId,
        email = person.Email,
        result = person.Result switch
        {
            InvitationResult.Invited => "invited",
            InvitationResult.AlreadyGuest => "already_guest",
            _ => "already_user",
        },
        role = person.Role.ToClaimValue(),
        guest = person.Role == AppRole.Guest,
        accountCreated = person.AccountCreated,
        emailed = person.Emailed,
        message = person.Result switch
        {
            InvitationResult.AlreadyUser => $"{person.Email} already holds the {person.Role.ToClaimValue()} role on this app (directly or through a group): a user, not a guest. Nothing was changed.",
            InvitationResult.AlreadyGuest => $"{person.Email} is already a guest of this app. Nothing was changed; change their spaces with PUT.",
            _ => person.Emailed ? $"{person.Email} is now a guest and was emailed a sign-in link." : $"{person.Email} is now a guest, but the invitation email could not be sent.",
        },
    };

    private sealed class InvitationBody
    {
        public List<string>? Emails { get; set; }
        public List<string>? Spaces { get; set; }
        public DateTimeOffset? ExpiresAt { get; set; }
    }

    private sealed class ChangeBody
    {
        private DateTimeOffset? _expiresAt;

        public List<string>? Spaces { get; set; }

        /// <summary>Absent: the end date stays. <c>null</c>: access no longer ends. A time: the new end.</summary>
        public DateTimeOffset? ExpiresAt
        {
            get => _expiresAt;
            set
            {
                _expiresAt = value;
                ExpiresAtGiven = true;
            }
        }

        [JsonIgnore]
        public bool ExpiresAtGiven { get; private set; }
    }
}
