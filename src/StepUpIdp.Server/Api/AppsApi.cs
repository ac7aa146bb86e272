using StepUpIdp.Domain.Apps;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Apps;

namespace StepUpIdp.Server.Api;

/// <summary><c>/api/orgs/{org}/apps</c>: register, change and delete apps; add and delete client secrets.</summary>
public static class AppsApi
{
    public static RouteGroupBuilder MapAppsApi(this RouteGroupBuilder org)
    {
        var apps = org.MapGroup("/apps");

        apps.MapGet("/", async (HttpContext http, AppRegistry registry) =>
            Results.Ok(new { apps = (await registry.ListAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted)).Select(Describe) }));

        apps.MapPost("/", async (HttpContext http, AppRegistry registry) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<AppBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var outcome = await registry.RegisterAsync(caller.OrganisationId, caller.AccountId, body!.ClientId, body.ToRequest(), http.RequestAborted);
            return outcome is AppOutcome.Done done
                ? Results.Created($"/api/orgs/{caller.OrganisationId}/apps/{done.App.ClientId}", Describe(done.App, done.NewSecret))
                : Answer(outcome);
        });

        apps.MapGet("/{app}", async (HttpContext http, string app, AppRegistry registry) =>
            await registry.FindAsync(OrgCaller.From(http).OrganisationId, app, http.RequestAborted) is { } found
                ? Results.Ok(Describe(found))
                : Answer(new AppOutcome.NotFound()));

        apps.MapPut("/{app}", async (HttpContext http, string app, AppRegistry registry) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<AppBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            return Answer(await registry.ChangeAsync(caller.OrganisationId, caller.AccountId, app, body!.ToRequest(), http.RequestAborted));
        });

        apps.MapDelete("/{app}", async (HttpContext http, string app, AppRegistry registry) =>
        {
            var caller = OrgCaller.From(http);
            if (string.Equals(app, caller.CallingApp, StringComparison.Ordinal))
            {
                // As with the caller's own roles on it (docs/admin-guide.md, "Apps"): the token would delete its own app.
                return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict, "Nothing was deleted.",
                    "This is the app your admin token was issued to. Delete it on the admin pages, or with a token from another of the organisation's apps.");
            }

            var outcome = await registry.DeleteAsync(caller.OrganisationId, caller.AccountId, app, http.RequestAborted);
            return outcome is AppOutcome.Done ? Results.NoContent() : Answer(outcome);
        });

        apps.MapPost("/{app}/secrets", async (HttpContext http, string app, AppSecrets secrets) =>
        {
            SecretBody? body = new();
            if (http.Request.ContentLength is > 0 || http.Request.HasJsonContentType())
            {
                (body, var problem) = await JsonBody.ReadAsync<SecretBody>(http);
                if (problem is not null)
                {
                    return problem;
                }
            }

            var caller = OrgCaller.From(http);
            return Answer(await secrets.AddAsync(caller.OrganisationId, caller.AccountId, app, body!.ExpiresAt, http.RequestAborted), caller.OrganisationId, app);
        });

        apps.MapDelete("/{app}/secrets/{id}", async (HttpContext http, string app, string id, AppSecrets secrets) =>
        {
            var caller = OrgCaller.From(http);
            return Answer(await secrets.DeleteAsync(caller.OrganisationId, caller.AccountId, app, id, http.RequestAborted), caller.OrganisationId, app);
        });

        return org;
    }

    private static IResult Answer(AppOutcome outcome) => outcome switch
    {
        AppOutcome.Done done => Results.Ok(Describe(done.App)),
        AppOutcome.NotFound => ProblemTypes.NotFoundProblem("An app with this client id in this organisation"),
        AppOutcome.Invalid invalid => ProblemTypes.ValidationFailed(invalid.Errors, "The app has invalid fields; nothing was changed."),
        AppOutcome.Duplicate duplicate => Results.ValidationProblem(duplicate.Errors.ToDictionary(e => e.Key, e => e.Value),
            statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.Conflict, title: "The client id is taken; nothing was changed."),
        _ => throw new InvalidOperationException("Unknown app outcome."),
    };

    private static IResult Answer(SecretOutcome outcome, string org, string app) => outcome switch
    {
        SecretOutcome.Created created => Results.Created($"/api/orgs/{org}/apps/{app}/secrets/{created.Listing.Id}", new
        {
            id = created.Listing.Id,
            secret = created.Secret,
            createdAt = created.Listing.CreatedAt,
            expiresAt = created.Listing.ExpiresAt,
            message = "Copy the secret now: it is not shown again.",
        }),
        SecretOutcome.Deleted => Results.NoContent(),
        SecretOutcome.NotFound => ProblemTypes.NotFoundProblem("An app (or a secret of it) with this id in this organisation"),
        SecretOutcome.Invalid invalid => ProblemTypes.ValidationFailed(invalid.Errors, "No secret was added."),
        SecretOutcome.TooMany tooMany => ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.TooManySecrets, "No secret was added.", tooMany.Message),
        _ => throw new InvalidOperationException("Unknown secret outcome."),
    };

    private static object Describe(AppListing app) => Describe(app, null);

    private static object Describe(AppListing app, string? newSecret) => new
    {
        clientId = app.ClientId,
        name = app.Name,
        type = app.Confidential ? "confidential" : "public",
        redirectUris = app.RedirectUris,
        postLogoutRedirectUris = app.PostLogoutRedirectUris,
        allowedOrigins = app.AllowedOrigins,
        backChannelLogoutUri = app.BackChannelLogoutUri,
        enforcement = app.Enforcement == AppEnforcement.Exempt ? "exempt" : "enforced",
        spaces = app.Spaces,
        scopes = app.Scopes,
        secrets = app.Secrets.Select(s => new { id = s.Id, createdAt = s.CreatedAt, expiresAt = s.ExpiresAt }),
        // Only in the answer that registers a confidential app: its first secret, shown this once.
        clientSecret = newSecret,
    };

    private sealed class AppBody
    {
        public string? ClientId { get; set; }
        public string? Name { get; set; }
        public string? Type { get; set; }
        public List<string>? RedirectUris { get; set; }
        public List<string>? PostLogoutRedirectUris { get; set; }
        public List<string>? AllowedOrigins { get; set; }
        public string? BackChannelLogoutUri { get; set; }
        public string? Enforcement { get; set; }
        public List<string>? Spaces { get; set; }
        public List<string>? Scopes { get; set; }

        public AppRegistrationRequest ToRequest() =>
            new(Name, Type, RedirectUris, PostLogoutRedirectUris, AllowedOrigins, BackChannelLogoutUri, Enforcement, Spaces, Scopes);
    }

    private sealed class SecretBody
    {
        public DateTimeOffset? ExpiresAt { get; set; }
    }
}
