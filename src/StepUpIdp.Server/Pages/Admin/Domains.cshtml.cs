using Microsoft.AspNetCore.Mvc;
using StepUpIdp.Server.Domains;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/domains</c>: the org's domains, the TXT record to publish for a pending one, and add, verify and
/// remove, through <see cref="DomainEditor"/> (the same path as the admin API). Each domain shows who it makes internal.
/// </summary>
public sealed class DomainsModel(DomainEditor editor) : OrgAdminPageModel
{
    [BindProperty]
    public string? Domain { get; set; }

    public IReadOnlyList<DomainListing> Domains { get; private set; } = [];
    public string? Error { get; private set; }
    public string? Outcome { get; private set; }

    public async Task OnGetAsync() => Domains = await editor.ListAsync(Org, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostAddAsync() =>
        await AfterAsync(await editor.AddAsync(Org, AdminId, Domain, HttpContext.RequestAborted),
            done => $"{done.Domain} was added. Publish the TXT record below, then verify it.");

    public async Task<IActionResult> OnPostVerifyAsync() =>
        await AfterAsync(await editor.VerifyAsync(Org, AdminId, Domain, HttpContext.RequestAborted),
            done => $"{done.Domain} is verified. Now internal: {People(done)}.");

    public async Task<IActionResult> OnPostRemoveAsync() =>
        await AfterAsync(await editor.RemoveAsync(Org, AdminId, Domain, HttpContext.RequestAborted),
            done => $"{done.Domain} was removed. Now external: {People(done)}.");

    private async Task<IActionResult> AfterAsync(DomainOutcome outcome, Func<DomainListing, string> describe)
    {
        (Outcome, Error) = outcome switch
        {
            DomainOutcome.Done done => (describe(done.Domain), null),
            DomainOutcome.Invalid invalid => (null, invalid.Errors["domain"][0]),
            DomainOutcome.Duplicate duplicate => (null, duplicate.Errors["domain"][0]),
            DomainOutcome.Unverifiable unverifiable => (null, unverifiable.Errors["domain"][0]),
            DomainOutcome.DnsUnavailable => ((string?)null, "DNS did not answer; the domain stays pending. Try again shortly."),
            _ => (null, "That domain is not one of this organisation's."),
        };
        if (Error is not null)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Domains = await editor.ListAsync(Org, HttpContext.RequestAborted);
        return Page();
    }

    private static string People(DomainListing domain) =>
        domain.People.Count == 0 ? "nobody" : string.Join(", ", domain.People.Select(p => p.Email));
}
