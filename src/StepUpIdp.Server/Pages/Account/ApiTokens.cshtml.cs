using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Server.ApiTokens;
using StepUpIdp.Server.SignIn;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// The account's API tokens in one organisation: create (the secret is shown on this response only), list,
/// revoke. Same rules as <c>/api/me/api-tokens</c>; the forms carry Razor Pages' antiforgery token. Creating one
/// needs a recent, strong sign-in first (docs/security.md, "Recent strong sign-in").
/// </summary>
[Authorize(AuthenticationSchemes = SessionDefaults.Scheme)]
public sealed class ApiTokensModel(ApiTokenIssuer issuer, PortalStepUp stepUp) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Org { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    [BindProperty]
    public int? LifetimeDays { get; set; } = 30;

    public IReadOnlyList<(string Id, string Name)> Organisations { get; private set; } = [];
    public IReadOnlyList<ApiTokenSummary> Tokens { get; private set; } = [];
    public string? NameError { get; private set; }
    public string? LifetimeError { get; private set; }
    public string? Refusal { get; private set; }
    public ApiTokenCreation.Created? Created { get; private set; }

    public string OrganisationName => Organisations.FirstOrDefault(o => o.Id == Org).Name ?? Org ?? "";

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ? Page() : Forbid();

    public async Task<IActionResult> OnPostCreateAsync()
    {
        if (!await LoadAsync())
        {
            return Forbid();
        }

        switch (await stepUp.CheckAsync(HttpContext, Org!, PortalDemand.ApiTokenCreation))
        {
            case PortalStepUpResult.StepUp step:
                return LocalRedirect(step.Url);
            case PortalStepUpResult.Refused refused:
                Refusal = refused.Description;
                return Page();
        }

        if (LifetimeDays is not { } days)
        {
            LifetimeError = "Enter how many days the token should last.";
            return Page();
        }

        var result = await issuer.CreateAsync(AccountId, Org!, Name, days, HttpContext.RequestAborted);
        switch (result)
        {
            case ApiTokenCreation.Created created:
                Created = created;
                Name = null;
                Response.Headers.CacheControl = "no-store";
                break;
            case ApiTokenCreation.Refused { Field: "name" } refused:
                NameError = refused.Description;
                break;
            case ApiTokenCreation.Refused { Field: "lifetimeDays" } refused:
                LifetimeError = refused.Description;
                break;
            case ApiTokenCreation.Refused refused:
                Refusal = refused.Description;
                break;
        }

        await LoadAsync();
        return Page();
    }

    public async Task<IActionResult> OnPostRevokeAsync(string id)
    {
        if (!await LoadAsync())
        {
            return Forbid();
        }

        await issuer.RevokeAsync(AccountId, Org!, id, HttpContext.RequestAborted);
        return RedirectToPage(new { org = Org });
    }

    private string AccountId => SessionPrincipal.AccountId(User) ?? throw new InvalidOperationException("No session.");

    /// <summary>The org asked for if the account belongs to it; otherwise its first one.</summary>
    private async Task<bool> LoadAsync()
    {
        Organisations = await issuer.MembershipsAsync(AccountId, HttpContext.RequestAborted);
        if (Organisations.Count == 0)
        {
            return false;
        }

        Org = Organisations.Any(o => o.Id == Org) ? Org : Organisations[0].Id;
        Tokens = await issuer.ListAsync(AccountId, Org!, HttpContext.RequestAborted);
        return true;
    }
}
