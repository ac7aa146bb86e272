using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Verification with the authenticator app, or with a recovery code, for an authorization request. Says which
/// organisation asks and why; offers the emailed code instead only when that counts for this request.
/// </summary>
public sealed class VerifyAuthenticatorModel(StepUpDbContext db, AccountDirectory directory, TotpVerification totp, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>"allowed" when an emailed code counts too (set by the authorize endpoint; it only changes what is offered).</summary>
    [BindProperty(SupportsGet = true, Name = "email")]
    public string? EmailOption { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    [BindProperty]
    public string? RecoveryCode { get; set; }

    public string? Why { get; private set; }
    public string? CodeError { get; private set; }
    public string? RecoveryError { get; private set; }
    public bool EmailAllowed => EmailOption == "allowed";
    public string EmailedCodeUrl => TwoStepInteraction.EmailedCodePath + "?returnUrl=" + Uri.EscapeDataString(ReturnUrl ?? string.Empty);

    private TwoStepPageContext? _context;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public Task<IActionResult> OnPostCodeAsync() => CheckAsync(Code, recoveryCode: false);

    public Task<IActionResult> OnPostRecoveryAsync() => CheckAsync(RecoveryCode, recoveryCode: true);

    private async Task<IActionResult> CheckAsync(string? code, bool recoveryCode)
    {
        if (await LoadAsync() is { } redirect)
        {
            return redirect;
        }

        TotpCheckResult result;
        try
        {
            result = await totp.VerifyForAppAsync(HttpContext, _context!.App!, _context.Subject!, _context.Session, code ?? string.Empty, recoveryCode, HttpContext.RequestAborted);
        }
        catch (VerificationStoreUnavailableException)
        {
            return RedirectToPage("/Account/VerificationUnavailable", new { returnUrl = ReturnUrl });
        }

        string error;
        switch (result)
        {
            case TotpCheckResult.Verified:
                // Recorded in this session only; the authorization request now finds it.
                return LocalRedirect(ReturnUrl!);
            case TotpCheckResult.Locked locked:
                error = VerificationLockNotice.For(locked.Until, clock.GetUtcNow(),
                    await directory.ManagingOrganisationNameAsync(_context.Subject!.Email, HttpContext.RequestAborted));
                break;
            case TotpCheckResult.Replayed:
                error = "That code was already used. Wait for your app to show a new one and enter that.";
                break;
            case TotpCheckResult.NotEnrolled:
                return LocalRedirect(ReturnUrl!);
            default:
                error = recoveryCode
                    ? "That recovery code isn't right, or it was already used."
                    : "That code isn't right. Enter the 6-digit code your authenticator app shows now.";
                break;
        }

        if (recoveryCode)
        {
            RecoveryError = error;
        }
        else
        {
            CodeError = error;
        }

        return Page();
    }

    /// <summary>Null when the page can be shown.</summary>
    private async Task<IActionResult?> LoadAsync()
    {
        if (!VerificationReturnUrl.IsValid(ReturnUrl))
        {
            return BadRequest();
        }

        _context = await TwoStepPageContext.LoadAsync(HttpContext, db, directory, ReturnUrl);
        if (_context is not { App: { } app, Subject: { } subject })
        {
            // No session, or an unknown app: the authorization request sorts that out (sign-in, or an error).
            return LocalRedirect(ReturnUrl!);
        }

        // The org's policy is the reason only where it applies (as on the passcode page); otherwise the app asked.
        Why = subject.PolicyAppliesOn(app.Enforcement)
            ? $"{app.OrganisationName} asks people from outside the organisation to confirm their identity before using {app.AppName}."
            : $"{app.AppName} of {app.OrganisationName} asks you to confirm it's you with your authenticator app before you continue.";
        if (app.ClientId == AccountDirectory.PortalClientId)
        {
            Why = $"Confirm it's you with your authenticator app before you continue: this part of your {app.OrganisationName} account needs a recent, strong sign-in.";
        }
        return null;
    }
}
