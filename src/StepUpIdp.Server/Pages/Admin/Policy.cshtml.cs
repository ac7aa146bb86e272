using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Admin;
using Fields = StepUpIdp.Domain.Policy.ExternalUserPolicyDocument.Fields;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/policy</c>: the org's external-user policies, listed with their domains and pilot accounts, and
/// one of them as a form: the default one, <c>/admin/{org}/policy/{id}</c> a named one, <c>/admin/{org}/policy/new</c>
/// a new domain policy or pilot. Preview shows its effect without saving; Save validates, stores and audits it through
/// <see cref="ExternalPolicyEditor"/>, the same path as the admin API. An invalid form changes nothing and shows each
/// error next to its field.
/// </summary>
public sealed class PolicyModel(ExternalPolicyEditor editor) : OrgAdminPageModel
{
    public const string CustomInterval = "custom";
    public const string SaveIntent = "save";
    public const string DeleteIntent = "delete";
    public const string NewId = "new";

    /// <summary>The named policy on the form, <see cref="NewId"/> for a new one, or null for the default policy.</summary>
    [FromRoute(Name = "id")]
    public string? Id { get; set; }

    /// <summary>A new policy's kind: <c>domains</c> or <c>pilot</c>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Scope { get; set; }

    [BindProperty]
    public string? Name { get; set; }

    /// <summary>Domains, one a line (commas and spaces separate too).</summary>
    [BindProperty]
    public string? Domains { get; set; }

    /// <summary>Pilot accounts' email addresses, one a line.</summary>
    [BindProperty]
    public string? PilotAccounts { get; set; }

    public OrganisationPolicies Policies { get; private set; } = OrganisationPolicies.DefaultOnly(ExternalUserPolicy.Default);

    public bool IsNamed => Id is not null;

    public bool IsPilot => Scope == ScopedExternalPolicyDocument.ScopePilot;

    [BindProperty]
    public string? Verification { get; set; }

    /// <summary>A preset's ISO value, or <see cref="CustomInterval"/>.</summary>
    [BindProperty]
    public string? Interval { get; set; }

    [BindProperty]
    public string? CustomValue { get; set; }

    [BindProperty]
    public List<string> Methods { get; set; } = [];

    [BindProperty]
    public bool RequireTwoStepVerification { get; set; }

    [BindProperty]
    public string? ApiTokens { get; set; }

    [BindProperty]
    public string? ApiTokenMaxLifetimeDays { get; set; }

    /// <summary>Which button was pressed: <c>save</c>, or anything else for a preview (pressing Enter must not save).</summary>
    [BindProperty]
    public string? Intent { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Saved { get; set; }

    [BindProperty(SupportsGet = true)]
    public bool Removed { get; set; }

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public PolicyPreview? Preview { get; private set; }
    public string? Unavailable { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task<IActionResult> OnGetAsync()
    {
        Policies = await editor.ListAsync(Org, HttpContext.RequestAborted);
        if (Id is null)
        {
            Show(Policies.Default.Policy);
            return Page();
        }

        if (Id == NewId)
        {
            Scope = IsPilot ? ScopedExternalPolicyDocument.ScopePilot : ScopedExternalPolicyDocument.ScopeDomains;
            Show(Policies.Default.Policy);
            return Page();
        }

        if (Policies.Find(Id) is not { Scope: not ExternalPolicyScope.Default } named)
        {
            return NotFound();
        }

        Show(named.Policy);
        Name = named.Name;
        Scope = named.Scope == ExternalPolicyScope.Pilot ? ScopedExternalPolicyDocument.ScopePilot : ScopedExternalPolicyDocument.ScopeDomains;
        Domains = string.Join("\n", named.Domains);
        PilotAccounts = string.Join("\n", named.PilotAccounts.Select(a => a.Email));
        return Page();
    }

    public async Task<IActionResult> OnPostAsync()
    {
        Saved = false;
        Policies = await editor.ListAsync(Org, HttpContext.RequestAborted);
        var document = ToDocument(out var daysUnreadable);
        if (IsNamed)
        {
            return await PostNamedAsync(document, daysUnreadable);
        }

        if (Intent == SaveIntent)
        {
            switch (await editor.SaveAsync(Org, AdminId, document, HttpContext.RequestAborted))
            {
                case ExternalUserPolicyValidation.Valid:
                    return RedirectToPage(new { org = Org, saved = true });
                case ExternalUserPolicyValidation.Invalid invalid:
                    ShowErrors(invalid.Errors, daysUnreadable);
                    break;
            }

            return Page();
        }

        ShowPreview(await editor.PreviewAsync(Org, document, HttpContext.RequestAborted), daysUnreadable);
        return Page();
    }

    private async Task<IActionResult> PostNamedAsync(ExternalUserPolicyDocument fields, bool daysUnreadable)
    {
        var existingId = Id == NewId ? null : Id;
        if (existingId is not null && Policies.Find(existingId) is not { Scope: not ExternalPolicyScope.Default })
        {
            return NotFound();
        }

        if (Intent == DeleteIntent && existingId is not null)
        {
            await editor.DeleteNamedAsync(Org, AdminId, existingId, HttpContext.RequestAborted);
            return Redirect($"/admin/{Uri.EscapeDataString(Org)}/policy?removed=true");
        }

        var document = ScopedExternalPolicyDocument.WithFields(fields) with
        {
            Name = Name,
            Domains = IsPilot ? null : Split(Domains),
            PilotAccounts = IsPilot ? Split(PilotAccounts) : null,
        };
        if (Intent == SaveIntent)
        {
            switch (await editor.SaveNamedAsync(Org, AdminId, existingId, document, HttpContext.RequestAborted))
            {
                case NamedPolicySave.Saved saved:
                    return Redirect($"/admin/{Uri.EscapeDataString(Org)}/policy/{Uri.EscapeDataString(saved.Policy.Id)}?saved=true");
                case NamedPolicySave.Invalid invalid:
                    ShowErrors(invalid.Errors, daysUnreadable);
                    break;
                case NamedPolicySave.NotFound:
                    return NotFound();
            }

            return Page();
        }

        ShowPreview(await editor.PreviewNamedAsync(Org, existingId, document, HttpContext.RequestAborted), daysUnreadable);
        return Page();
    }

    private void ShowPreview(PolicyPreviewOutcome outcome, bool daysUnreadable)
    {
        switch (outcome)
        {
            case PolicyPreviewOutcome.Ready ready:
                Preview = ready.Preview;
                break;
            case PolicyPreviewOutcome.Invalid invalid:
                ShowErrors(invalid.Errors, daysUnreadable);
                break;
            case PolicyPreviewOutcome.Unavailable:
                Unavailable = "Who would have to verify again cannot be worked out right now. Try the preview again in a few minutes.";
                break;
        }
    }

    private static List<string?> Split(string? text) =>
        [.. (text ?? string.Empty).Split(['\n', '\r', ',', ' ', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];

    private void Show(ExternalUserPolicy policy)
    {
        var document = ExternalUserPolicyDocument.From(policy);
        Verification = document.Verification;
        var preset = ReverifyPresets.Find(policy.ReverifyEvery);
        Interval = preset?.IsoValue ?? CustomInterval;
        CustomValue = preset is null ? document.ReverifyEvery : null;
        Methods = [.. document.Methods!.OfType<string>()];
        RequireTwoStepVerification = policy.RequireTwoStepVerification;
        ApiTokens = document.ApiTokens;
        ApiTokenMaxLifetimeDays = policy.ApiTokenMaxLifetimeDays.ToString(CultureInfo.InvariantCulture);
    }

    private ExternalUserPolicyDocument ToDocument(out bool daysUnreadable)
    {
        int? days = int.TryParse(ApiTokenMaxLifetimeDays?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : null;
        daysUnreadable = days is null;
        return new ExternalUserPolicyDocument
        {
            Verification = Verification,
            ReverifyEvery = Interval == CustomInterval ? CustomValue?.Trim() ?? string.Empty : Interval,
            Methods = [.. Methods],
            RequireTwoStepVerification = RequireTwoStepVerification,
            ApiTokens = ApiTokens,
            ApiTokenMaxLifetimeDays = days,
        };
    }

    /// <summary>The validator speaks to API clients in wire names; here the fields are checkboxes and radio buttons with labels.</summary>
    private void ShowErrors(IReadOnlyDictionary<string, string[]> errors, bool daysUnreadable)
    {
        var plain = errors.ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);
        if (plain.ContainsKey(Fields.Verification))
        {
            plain[Fields.Verification] = ["Choose whether external users must verify."];
        }

        if (plain.ContainsKey(Fields.Methods))
        {
            plain[Fields.Methods] = ["Tick at least one way to verify."];
        }

        if (plain.ContainsKey(Fields.RequireTwoStepVerification))
        {
            plain[Fields.RequireTwoStepVerification] = ["Two-step verification uses an authenticator app, so also tick “Authenticator app” above."];
        }

        if (plain.ContainsKey(Fields.ApiTokens))
        {
            plain[Fields.ApiTokens] = ["Choose whether external users may use API tokens."];
        }

        if (daysUnreadable || plain.ContainsKey(Fields.ApiTokenMaxLifetimeDays))
        {
            plain[Fields.ApiTokenMaxLifetimeDays] = ["Enter a whole number of days from 1 to 365."];
        }

        if (plain.ContainsKey(Fields.ReverifyEvery) && Interval != CustomInterval && ReverifyPresets.All.All(p => p.IsoValue != Interval))
        {
            plain[Fields.ReverifyEvery] = ["Choose one of the intervals, or “Custom” and type one."];
        }

        Errors = plain;
    }
}
