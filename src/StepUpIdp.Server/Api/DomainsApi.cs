using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Organisations;
using StepUpIdp.Server.Domains;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Api;

/// <summary><c>/api/orgs/{org}/domains</c>: add a domain (answers the TXT record to publish), verify it by DNS, remove it.</summary>
public static class DomainsApi
{
    public static RouteGroupBuilder MapDomainsApi(this RouteGroupBuilder org)
    {
        var domains = org.MapGroup("/domains");

        domains.MapGet("/", async (HttpContext http, DomainEditor editor) =>
            Results.Ok(new { domains = (await editor.ListAsync(OrgCaller.From(http).OrganisationId, http.RequestAborted)).Select(Describe) }));

        domains.MapPost("/", async (HttpContext http, DomainEditor editor) =>
        {
            var (body, problem) = await JsonBody.ReadAsync<AddBody>(http);
            if (problem is not null)
            {
                return problem;
            }

            var caller = OrgCaller.From(http);
            var outcome = await editor.AddAsync(caller.OrganisationId, caller.AccountId, body!.Domain, http.RequestAborted);
            return outcome is DomainOutcome.Done done
                ? Results.Created($"/api/orgs/{caller.OrganisationId}/domains/{done.Domain.Domain}", Describe(done.Domain))
                : Answer(outcome);
        });

        domains.MapGet("/{domain}", async (HttpContext http, string domain, DomainEditor editor) =>
            Answer(await editor.FindAsync(OrgCaller.From(http).OrganisationId, domain, http.RequestAborted)));

        domains.MapPost("/{domain}/verify", async (HttpContext http, string domain, DomainEditor editor) =>
        {
            var caller = OrgCaller.From(http);
            return Answer(await editor.VerifyAsync(caller.OrganisationId, caller.AccountId, domain, http.RequestAborted));
        });

        domains.MapDelete("/{domain}", async (HttpContext http, string domain, DomainEditor editor) =>
        {
            var caller = OrgCaller.From(http);
            return Answer(await editor.RemoveAsync(caller.OrganisationId, caller.AccountId, domain, http.RequestAborted));
        });

        return org;
    }

    private static IResult Answer(DomainOutcome outcome) => outcome switch
    {
        DomainOutcome.Done done => Results.Ok(Describe(done.Domain)),
        DomainOutcome.NotFound => ProblemTypes.NotFoundProblem("A domain with this name in this organisation"),
        DomainOutcome.Invalid invalid => ProblemTypes.ValidationFailed(invalid.Errors, "The domain is not valid; nothing was changed."),
        DomainOutcome.Duplicate duplicate => Results.ValidationProblem(duplicate.Errors.ToDictionary(e => e.Key, e => e.Value),
            statusCode: StatusCodes.Status409Conflict, type: ProblemTypes.DuplicateDomain, title: "The domain is taken; nothing was changed."),
        DomainOutcome.Unverifiable unverifiable => Results.ValidationProblem(unverifiable.Errors.ToDictionary(e => e.Key, e => e.Value),
            statusCode: StatusCodes.Status422UnprocessableEntity, type: ProblemTypes.DomainUnverifiable,
            title: "DNS does not show the verification record yet; the domain stays pending.",
            extensions: new Dictionary<string, object?> { ["record"] = Describe(unverifiable.Record) }),
        DomainOutcome.DnsUnavailable unavailable => ProblemTypes.Problem(StatusCodes.Status503ServiceUnavailable, ProblemTypes.DnsUnavailable,
            "DNS did not answer; the domain stays pending. Try again shortly.", unavailable.Reason),
        _ => throw new InvalidOperationException("Unknown domain outcome."),
    };

    private static object Describe(DomainListing domain) => new
    {
        domain = domain.Domain,
        status = domain.Removed ? "removed" : domain.Verified ? "verified" : "pending",
        record = domain.Record is null ? null : Describe(domain.Record),
        // Verified: these people are internal because of this domain, and would be external without it. Pending: they
        // become internal when it is verified.
        people = domain.People.Select(Describe),
    };

    private static object Describe(DomainVerificationRecord record) => new { name = record.Name, type = record.Type, value = record.Value };

    private static object Describe(OrganisationPerson person) => new
    {
        id = person.AccountId,
        email = person.Email,
        name = person.Name,
        userType = person.UserType == UserType.Internal ? "internal" : "external",
    };

    private sealed class AddBody
    {
        public string? Domain { get; set; }
    }
}
