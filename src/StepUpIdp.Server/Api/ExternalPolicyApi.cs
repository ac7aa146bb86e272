using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Admin;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Api;

/// <summary>
/// <c>/api/orgs/{org}/external-policy</c>: read, replace and preview the external-user policy.
/// The rules live in <see cref="ExternalPolicyEditor"/>, shared with the admin pages; this is the JSON door.
/// </summary>
public static class ExternalPolicyApi
{
    public static RouteGroupBuilder MapExternalPolicyApi(this RouteGroupBuilder org)
    {
        org.MapGet("/external-policy", async (HttpContext http, ExternalPolicyEditor editor) =>
            Results.Ok(ExternalUserPolicyDocument.From(await editor.ReadAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted))));

        org.MapPut("/external-policy", async (HttpContext http, ExternalPolicyEditor editor) =>
        {
            var (document, problem) = await JsonBody.ReadAsync<ExternalUserPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            return await editor.SaveAsync(caller.OrganisationId, caller.AccountId, document, http.RequestAborted) switch
            {
                ExternalUserPolicyValidation.Valid valid => Results.Ok(ExternalUserPolicyDocument.From(valid.Policy)),
                ExternalUserPolicyValidation.Invalid invalid => Invalid(invalid.Errors),
                _ => throw new InvalidOperationException("Unknown validation outcome."),
            };
        });

        org.MapPost("/external-policy/preview", async (HttpContext http, ExternalPolicyEditor editor) =>
        {
            var (document, problem) = await JsonBody.ReadAsync<ExternalUserPolicyDocument>(http);
            if (problem is not null)
            {
                return problem;
            }

            return Answer(await editor.PreviewAsync(OrgCaller.From(http).OrganisationId, document, http.RequestAborted));
        });

        return org;
    }

    internal static IResult Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        ProblemTypes.ValidationFailed(errors, "The policy has invalid fields; nothing was changed.");

    /// <summary>The answer to a preview of any of the org's policies.</summary>
    internal static IResult Answer(PolicyPreviewOutcome outcome) => outcome switch
    {
        PolicyPreviewOutcome.Ready { Preview: var preview } => Results.Ok(new
        {
            policy = ExternalUserPolicyDocument.From(preview.Policy),
            mustVerifyAgain = preview.MustVerifyAgain.Select(Describe),
            loseApiTokenAccess = preview.LoseApiTokenAccess.Select(Describe),
            moves = preview.Moves.Select(DescribeMove),
        }),
        PolicyPreviewOutcome.Invalid invalid => Invalid(invalid.Errors),
        PolicyPreviewOutcome.NotFound => ProblemTypes.NotFoundProblem("The policy"),
        PolicyPreviewOutcome.Unavailable => ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.VerificationUnavailable,
            "Verification state is temporarily unavailable; try the preview again in a few minutes."),
        _ => throw new InvalidOperationException("Unknown preview outcome."),
    };

    private static object Describe(OrganisationPerson person) => new { id = person.AccountId, email = person.Email, name = person.Name };

    private static object DescribeMove(PolicyMove move) => new
    {
        id = move.Person.AccountId,
        email = move.Person.Email,
        name = move.Person.Name,
        from = new { id = move.From.Id, name = move.From.Name },
        to = new { id = move.To.Id, name = move.To.Name },
    };
}
