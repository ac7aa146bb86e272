using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Admin;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>/api/orgs/{org}/external-policies</c>: the org's named policies, each for a list of email domains or the pilot
/// (docs/external-policies.md). The list starts with the default policy (<c>id</c> <c>default</c>), which is changed at
/// <c>/external-policy</c>. The rules live in <see cref="ExternalPolicyEditor"/>, shared with the admin pages.
/// </summary>
public static class ExternalPoliciesApi
{
    public static RouteGroupBuilder MapExternalPoliciesApi(this RouteGroupBuilder org)
    {
        org.MapGet("/external-policies", async (HttpContext http, ExternalPolicyEditor editor) =>
        {
            var policies = await editor.ListAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted);
            return Results.Ok(new { policies = policies.All.Select(ScopedExternalPolicyDocument.From) });
        });

        org.MapPost("/external-policies", async (HttpContext http, ExternalPolicyEditor editor) =>
        {
            var (document, problem) = await JsonBody.ReadAsync<ScopedExternalPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            return Answer(await editor.SaveNamedAsync(caller.OrganisationId, caller.AccountId, id: null, document, http.RequestAborted),
                saved => Results.Created($"/api/orgs/{caller.OrganisationId}/external-policies/{saved.Id}", ScopedExternalPolicyDocument.From(saved)));
        });

        org.MapGet("/external-policies/{id}", async (HttpContext http, string id, ExternalPolicyEditor editor) =>
        {
            var policies = await editor.ListAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted);
            return policies.Find(id) is { } policy
                ? Results.Ok(ScopedExternalPolicyDocument.From(policy))
                : ProblemTypes.NotFoundProblem("The policy");
        });

        org.MapPut("/external-policies/{id}", async (HttpContext http, string id, ExternalPolicyEditor editor) =>
        {
            if (id == ScopedExternalPolicy.DefaultId)
            {
                return DefaultIsElsewhere();
            }

            var (document, problem) = await JsonBody.ReadAsync<ScopedExternalPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            return Answer(await editor.SaveNamedAsync(caller.OrganisationId, caller.AccountId, id, document, http.RequestAborted),
                saved => Results.Ok(ScopedExternalPolicyDocument.From(saved)));
        });

        org.MapDelete("/external-policies/{id}", async (HttpContext http, string id, ExternalPolicyEditor editor) =>
        {
            if (id == ScopedExternalPolicy.DefaultId)
            {
                return DefaultIsElsewhere();
            }

            var caller = OrgCaller.From(http);
            return await editor.DeleteNamedAsync(caller.OrganisationId, caller.AccountId, id, http.RequestAborted)
                ? Results.NoContent()
                : ProblemTypes.NotFoundProblem("The policy");
        });

        org.MapPost("/external-policies/{id}/preview", async (HttpContext http, string id, ExternalPolicyEditor editor) =>
        {
            if (id == ScopedExternalPolicy.DefaultId)
            {
                return DefaultIsElsewhere();
            }

            var (document, problem) = await JsonBody.ReadAsync<ScopedExternalPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            return ExternalPolicyApi.Answer(await editor.PreviewNamedAsync(OrgCaller.From(http).OrganisationId, id, document, http.RequestAborted));
        });

        return org;
    }

    private static IResult Answer(NamedPolicySave save, Func<ScopedExternalPolicy, IResult> saved) => save switch
    {
        NamedPolicySave.Saved s => saved(s.Policy),
        NamedPolicySave.Invalid invalid => ExternalPolicyApi.Invalid(invalid.Errors),
        NamedPolicySave.NotFound => ProblemTypes.NotFoundProblem("The policy"),
        _ => throw new InvalidOperationException("Unknown save outcome."),
    };

    private static IResult DefaultIsElsewhere() => ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict,
        "The default policy is changed and previewed at /external-policy and cannot be removed.");
}
