using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Admin;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>/api/orgs/{org}/external-policies</c>: the org's named policies, each for a list of email domains or the pilot
/// (docs/external-policies.md). The list starts with the default policy (<c>id</c> <c>default</c>): read, replaced and
/// previewed here by its id as at <c>/external-policy</c>, but never removed and never given domains or pilot accounts.
/// The rules live in <see cref="ExternalPolicyEditor"/>, shared with the admin pages.
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
            var (document, problem) = await JsonBody.ReadAsync<ScopedExternalPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            if (id == ScopedExternalPolicy.DefaultId)
            {
                return await SaveDefaultAsync(http, caller, document!, editor);
            }

            return Answer(await editor.SaveNamedAsync(caller.OrganisationId, caller.AccountId, id, document, http.RequestAborted),
                saved => Results.Ok(ScopedExternalPolicyDocument.From(saved)));
        });

        org.MapDelete("/external-policies/{id}", async (HttpContext http, string id, ExternalPolicyEditor editor) =>
        {
            if (id == ScopedExternalPolicy.DefaultId)
            {
                return ProblemTypes.Problem(StatusCodes.Status409Conflict, ProblemTypes.Conflict,
                    "The default policy cannot be removed: it applies to every external user no other policy lists.");
            }

            var caller = OrgCaller.From(http);
            return await editor.DeleteNamedAsync(caller.OrganisationId, caller.AccountId, id, http.RequestAborted)
                ? Results.NoContent()
                : ProblemTypes.NotFoundProblem("The policy");
        });

        org.MapPost("/external-policies/{id}/preview", async (HttpContext http, string id, ExternalPolicyEditor editor) =>
        {
            var (document, problem) = await JsonBody.ReadAsync<ScopedExternalPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            if (id == ScopedExternalPolicy.DefaultId)
            {
                return DefaultScopeErrors(document!) is { Count: > 0 } errors
                    ? ExternalPolicyApi.Invalid(errors)
                    : ExternalPolicyApi.Answer(await editor.PreviewAsync(OrgCaller.From(http).OrganisationId, document!.ToPolicyDocument(), http.RequestAborted));
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

    /// <summary>The default policy by its id: the same change as <c>PUT /external-policy</c>, answered in this list's shape.</summary>
    private static async Task<IResult> SaveDefaultAsync(HttpContext http, OrgCaller caller, ScopedExternalPolicyDocument document, ExternalPolicyEditor editor)
    {
        if (DefaultScopeErrors(document) is { Count: > 0 } errors)
        {
            return ExternalPolicyApi.Invalid(errors);
        }

        return await editor.SaveAsync(caller.OrganisationId, caller.AccountId, document.ToPolicyDocument(), http.RequestAborted) switch
        {
            ExternalUserPolicyValidation.Valid => Results.Ok(ScopedExternalPolicyDocument.From(
                (await editor.ListAsync(caller.OrganisationId, http.RequestAborted)).Find(ScopedExternalPolicy.DefaultId)!)),
            ExternalUserPolicyValidation.Invalid invalid => ExternalPolicyApi.Invalid(invalid.Errors),
            _ => throw new InvalidOperationException("Unknown validation outcome."),
        };
    }

    /// <summary>
    /// The default policy covers everyone no other policy lists: it takes no domains or pilot accounts, and keeps its
    /// name (a document read from this list and sent back unchanged passes).
    /// </summary>
    private static Dictionary<string, string[]> DefaultScopeErrors(ScopedExternalPolicyDocument document)
    {
        var errors = new Dictionary<string, string[]>();
        if (document.Domains is { Count: > 0 })
        {
            errors[ScopedExternalPolicyDocument.Fields.Domains] = ["The default policy applies to every domain no other policy lists; it takes no domains."];
        }

        if (document.PilotAccounts is { Count: > 0 })
        {
            errors[ScopedExternalPolicyDocument.Fields.PilotAccounts] = ["The default policy takes no pilot accounts; add them to the pilot policy."];
        }

        if (document.Name is { } name && name != ScopedExternalPolicy.DefaultName)
        {
            errors[ScopedExternalPolicyDocument.Fields.Name] = [$"The default policy is called \"{ScopedExternalPolicy.DefaultName}\"; its name does not change."];
        }

        return errors;
    }
}
