using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Server.Admin;
using Fields = StepUpIdp.Domain.Policy.ExternalUserPolicyDocument.Fields;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary>
/// <c>/admin/{org}/policy</c>: the external-user policy as a form. Preview shows its effect without saving; Save
/// validates, stores and audits it through <see cref="ExternalPolicyEditor"/>, the same path as the admin API.
/// An invalid form changes nothing and shows each error next to its field.
/// </summary>
public sealed class PolicyModel(ExternalPolicyEditor editor) : OrgAdminPageModel
{
    public const string CustomInterval = "custom";
    public const string SaveIntent = "save";

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

    public IReadOnlyDictionary<string, string[]> Errors { get; private set; } = new Dictionary<string, string[]>();
    public PolicyPreview? Preview { get; private set; }
    public string? Unavailable { get; private set; }

    public string? ErrorFor(string field) => Errors.TryGetValue(field, out var messages) ? string.Join(" ", messages) : null;

    public async Task OnGetAsync() => Show(await editor.ReadAsync(Org, HttpContext.RequestAborted));

    public async Task<IActionResult> OnPostAsync()
    {
        Saved = false;
        var document = ToDocument(out var daysUnreadable);
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

        switch (await editor.PreviewAsync(Org, document, HttpContext.RequestAborted))
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

        return Page();
    }

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
