using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.TwoStep;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TwoStep;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Sets up an authenticator app (QR code and manual key; stored only after a correct code; recovery codes shown
/// once), and removes it after a fresh code. Reached from an authorization request, it says which org asks and
/// why, and offers "Not now", which sends the app an OAuth error instead of looping. Both need a recent sign-in, and an
/// enrolment by anyone who is external somewhere also an emailed passcode in this session first, so a stolen password
/// alone cannot add an authenticator (docs/security.md, "Recent strong sign-in").
/// </summary>
public sealed class AuthenticatorModel(
    StepUpDbContext db,
    AccountDirectory directory,
    AuthenticatorStore authenticators,
    AuthenticatorEnrolment enrolment,
    PortalStepUp stepUp,
    TimeProvider clock) : PageModel
{
    public enum View { Enrol, ConfirmFirst, RecoveryCodes, Enrolled, Removed, Unavailable }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Enrolment { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public View Showing { get; private set; } = View.Enrol;
    public PendingEnrolment? Pending { get; private set; }
    public IReadOnlyList<string> NewRecoveryCodes { get; private set; } = [];
    public int RecoveryCodesLeft { get; private set; }
    public string? Why { get; private set; }
    public string? Error { get; private set; }
    public bool FromAuthorization => Context?.App is not null;

    /// <summary>Where the person confirms it's them (an emailed code, or the password again) before enrolling.</summary>
    public string? StepUpUrl { get; private set; }

    private TwoStepPageContext? Context { get; set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await LoadAsync() is { } redirect)
        {
            return redirect;
        }

        if (await authenticators.IsEnrolledAsync(Context!.AccountId, HttpContext.RequestAborted))
        {
            // Nothing to set up: the authorization request asks for a code on the verification page.
            return FromAuthorization ? LocalRedirect(ReturnUrl!) : await ShowEnrolledAsync();
        }

        // Shown, not redirected: the page says why, and keeps "Not now" for an authorization request.
        if (await StepUpAsync(mailboxProof: true) is { } stepUpFirst)
        {
            if (StepUpUrl is null)
            {
                return stepUpFirst;
            }

            Showing = View.ConfirmFirst;
            return Page();
        }

        Pending = enrolment.Start(Context.AccountId, Context.Email);
        return Page();
    }

    public async Task<IActionResult> OnPostEnrolAsync()
    {
        if (await LoadAsync() is { } redirect)
        {
            return redirect;
        }

        if (await authenticators.IsEnrolledAsync(Context!.AccountId, HttpContext.RequestAborted))
        {
            // Replacing a working authenticator needs a fresh code from it: remove it first.
            return FromAuthorization ? LocalRedirect(ReturnUrl!) : await ShowEnrolledAsync();
        }

        if (await StepUpAsync(mailboxProof: true) is { } stepUpFirst)
        {
            return stepUpFirst;
        }

        var codes = await enrolment.ConfirmAsync(Context.AccountId, Context.Email, Enrolment, Code, Context.App, HttpContext.RequestAborted);
        if (codes is null)
        {
            Pending = enrolment.Resume(Context.AccountId, Context.Email, Enrolment);
            Error = Pending is null
                ? "This set-up took too long. Scan the new code below and enter the code your app shows."
                : TotpAlgorithm.Normalize(Code) is null
                    ? "Enter the 6-digit code your authenticator app shows."
                    : "That code isn't right. Check that your phone's time is set automatically, then enter the code your app shows now.";
            Pending ??= enrolment.Start(Context.AccountId, Context.Email);
            return Page();
        }

        Showing = View.RecoveryCodes;
        NewRecoveryCodes = codes;
        return Page();
    }

    public IActionResult OnPostDecline() =>
        AuthorizeReturnUrl.IsValid(ReturnUrl)
            ? LocalRedirect(ReturnUrl + "&" + TwoStepInteraction.DeclinedParameter + "=" + TwoStepInteraction.DeclinedValue)
            : PortalReturnUrl.IsValid(ReturnUrl) ? LocalRedirect("/") : BadRequest();

    public async Task<IActionResult> OnPostRemoveAsync()
    {
        if (await LoadAsync() is { } redirect)
        {
            return redirect;
        }

        if (await StepUpAsync(mailboxProof: false) is { } stepUpFirst)
        {
            return stepUpFirst;
        }

        // One field takes either kind of code: six digits are the app's, anything else is a recovery code.
        var recovery = TotpAlgorithm.Normalize(Code) is null;
        TotpCheckResult result;
        try
        {
            result = await enrolment.RemoveAsync(Context!.AccountId, Context.Email, Code ?? string.Empty, recovery, HttpContext.RequestAborted);
        }
        catch (VerificationStoreUnavailableException)
        {
            Error = "This can't be done right now. Please try again in a few minutes.";
            return await ShowEnrolledAsync();
        }

        switch (result)
        {
            case TotpCheckResult.Verified:
            case TotpCheckResult.NotEnrolled:
                Showing = View.Removed;
                return Page();
            case TotpCheckResult.Locked locked:
                Error = $"Verification is paused for {Math.Max(1, (int)Math.Ceiling((locked.Until - clock.GetUtcNow()).TotalMinutes))} minutes after too many wrong codes.";
                break;
            case TotpCheckResult.Replayed:
                Error = "That code was already used. Wait for your app to show a new one.";
                break;
            default:
                Error = "That code isn't right. Enter the code your authenticator app shows now, or one of your recovery codes.";
                break;
        }

        return await ShowEnrolledAsync();
    }

    /// <summary>Null when the page can be shown; else where to go (sign-in first, or a bad link).</summary>
    private async Task<IActionResult?> LoadAsync()
    {
        Response.Headers.CacheControl = "no-store";
        if (!string.IsNullOrEmpty(ReturnUrl) && !VerificationReturnUrl.IsValid(ReturnUrl))
        {
            return BadRequest();
        }

        Context = await TwoStepPageContext.LoadAsync(HttpContext, db, directory, ReturnUrl);
        if (Context is null)
        {
            // The authorization request takes the person through sign-in and back here; without one, sign in first.
            return !string.IsNullOrEmpty(ReturnUrl)
                ? LocalRedirect(ReturnUrl)
                : Challenge(new AuthenticationProperties { RedirectUri = TwoStepInteraction.EnrolPath }, SessionDefaults.Scheme);
        }

        if (Context is { App: { } app, Subject: { } subject })
        {
            Why = subject.UserType == UserType.External && subject.ExternalPolicy.Policy.RequireTwoStepVerification
                ? $"{app.OrganisationName} asks people from outside the organisation to use an authenticator app when they sign in to {app.AppName}. Set one up to continue."
                : $"{app.AppName} of {app.OrganisationName} asks for a sign-in with an authenticator app. Set one up to continue.";
        }

        return null;
    }

    /// <summary>
    /// Null when the session may enrol or remove now: a sign-in in the last 15 minutes and, to enrol, a recent emailed
    /// passcode unless the person is internal; else the step-up to go through first, coming back here.
    /// </summary>
    private async Task<IActionResult?> StepUpAsync(bool mailboxProof)
    {
        var organisationId = Context!.App?.OrganisationId
            ?? await directory.StepUpOrganisationAsync(Context.AccountId, Context.Email, HttpContext.RequestAborted);
        if (organisationId is null)
        {
            Error = "Authenticator apps are set up when an organisation's app asks for one. Sign in to that app to continue.";
            Showing = View.Unavailable;
            return Page();
        }

        switch (await stepUp.CheckAsync(HttpContext, organisationId, new PortalDemand(Recent: true, MailboxProof: mailboxProof)))
        {
            case PortalStepUpResult.Met:
                return null;
            case PortalStepUpResult.StepUp step:
                StepUpUrl = step.Url;
                return LocalRedirect(step.Url);
            case PortalStepUpResult.Refused refused:
                Error = refused.Description;
                Showing = View.Unavailable;
                return Page();
            default:
                throw new InvalidOperationException("Unknown step-up outcome.");
        }
    }

    private async Task<IActionResult> ShowEnrolledAsync()
    {
        Showing = View.Enrolled;
        RecoveryCodesLeft = await authenticators.RecoveryCodesLeftAsync(Context!.AccountId, HttpContext.RequestAborted);
        return Page();
    }
}
