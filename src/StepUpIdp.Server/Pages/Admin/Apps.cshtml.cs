using Microsoft.AspNetCore.Mvc;
using StepUpIdp.Domain.Apps;
using StepUpIdp.Server.Apps;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/apps</c>: the org's apps with their settings and secrets; register one, add a secret (shown once),
/// delete a secret or an app. Through <see cref="AppRegistry"/> and <see cref="AppSecrets"/>, as the admin API.
/// </summary>
public sealed class AppsModel(AppRegistry registry, AppSecrets secrets) : OrgAdminPageModel
{
    [BindProperty] public string? ClientId { get; set; }
    [BindProperty] public string? Name { get; set; }
    [BindProperty] public string? Type { get; set; } = "public";
    [BindProperty] public string? RedirectUris { get; set; }
    [BindProperty] public string? PostLogoutRedirectUris { get; set; }
    [BindProperty] public string? AllowedOrigins { get; set; }
    [BindProperty] public string? BackChannelLogoutUri { get; set; }
    [BindProperty] public string? Enforcement { get; set; } = "enforced";
    [BindProperty] public string? Spaces { get; set; }

    public IReadOnlyList<AppListing> Registered { get; private set; } = [];
    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public string? Outcome { get; private set; }

    /// <summary>A secret just made, shown this once.</summary>
    public string? NewSecret { get; private set; }

    public async Task OnGetAsync() => Registered = await registry.ListAsync(Org, HttpContext.RequestAborted);

    public async Task<IActionResult> OnPostRegisterAsync()
    {
        var request = new AppRegistrationRequest(Name, Type, Lines(RedirectUris), Lines(PostLogoutRedirectUris), Lines(AllowedOrigins),
            BackChannelLogoutUri, Enforcement, Lines(Spaces), null);
        var outcome = await registry.RegisterAsync(Org, AdminId, ClientId, request, HttpContext.RequestAborted);
        switch (outcome)
        {
            case AppOutcome.Done done:
                (Outcome, NewSecret) = ($"{done.App.ClientId} is registered.", done.NewSecret);
                break;
            case AppOutcome.Invalid invalid:
                Errors = invalid.Errors;
                break;
            case AppOutcome.Duplicate duplicate:
                Errors = duplicate.Errors;
                break;
        }

        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostAddSecretAsync(string app)
    {
        var outcome = await secrets.AddAsync(Org, AdminId, app, expiresAt: null, HttpContext.RequestAborted);
        (Outcome, NewSecret) = outcome switch
        {
            SecretOutcome.Created created => ($"A new secret of {app}; copy it now, it is not shown again.", created.Secret),
            SecretOutcome.TooMany tooMany => (tooMany.Message, null),
            SecretOutcome.Invalid invalid => (invalid.Errors.Values.First()[0], null),
            _ => ("That app is not one of this organisation's.", null),
        };
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostDeleteSecretAsync(string app, string id)
    {
        Outcome = await secrets.DeleteAsync(Org, AdminId, app, id, HttpContext.RequestAborted) is SecretOutcome.Deleted
            ? $"The secret {id} of {app} was deleted." : "That secret does not exist any more.";
        return await ShowAsync();
    }

    public async Task<IActionResult> OnPostDeleteAsync(string app)
    {
        Outcome = await registry.DeleteAsync(Org, AdminId, app, HttpContext.RequestAborted) is AppOutcome.Done
            ? $"{app} was deleted." : "That app is not one of this organisation's.";
        return await ShowAsync();
    }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? messages[0] : null;

    private async Task<IActionResult> ShowAsync()
    {
        if (Errors.Count > 0)
        {
            Response.StatusCode = StatusCodes.Status422UnprocessableEntity;
        }

        Registered = await registry.ListAsync(Org, HttpContext.RequestAborted);
        return Page();
    }

    private static List<string> Lines(string? text) =>
        (text ?? "").Split(['\n', '\r', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
