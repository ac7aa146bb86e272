using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// The emailed one-time passcode step: says which organisation asks and why, sends a code on request
/// (never on a GET), checks it, then returns to the authorization request that asked for it.
/// </summary>
public sealed class VerifyModel(AccountDirectory directory, PasscodeVerification passcodes, SignInSessions sessions, TimeProvider clock) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public string? OrganisationName { get; private set; }
    public string? Why { get; private set; }
    public string? MaskedEmail { get; private set; }
    public string? Notice { get; private set; }
    public string? Error { get; private set; }

    /// <summary>Verification is locked: neither form is shown, this says why and for how long.</summary>
    public string? LockedNotice { get; private set; }
    public bool CodeSent { get; private set; }
    public bool CanSend { get; private set; } = true;

    private OrganisationApp? _app;
    private SubjectFacts? _subject;
    private CurrentSession? _session;

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (await LoadAsync() is { } redirect)
        {
            return redirect;
        }

        var clientIp = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        try
        {
            var result = await passcodes.SendAsync(_app!, _subject!, clientIp, HttpContext.RequestAborted);
            switch (result)
            {
                case PasscodeIssueResult.Issued:
                    CodeSent = true;
                    Notice = $"We emailed a code to {MaskedEmail}. It works for {Minutes(passcodes.Validity)} and only once.";
                    break;
                case PasscodeIssueResult.CoolingDown cooling:
                    CodeSent = true;
                    Error = $"A code was sent moments ago. You can ask for a new one in {Math.Max(1, (int)Math.Ceiling(cooling.RetryAfter.TotalSeconds))} seconds.";
                    break;
                case PasscodeIssueResult.RateLimited limited:
                    Error = $"Too many codes were sent. Try again in {Minutes(limited.RetryAfter)}.";
                    break;
                case PasscodeIssueResult.Locked locked:
                    await LockedAsync(locked.Until);
                    break;
            }
        }
        catch (EmailDeliveryException)
        {
            Error = "We couldn't send the email just now. Please try again in a minute.";
        }
        catch (VerificationStoreUnavailableException)
        {
            return Unavailable();
        }

        return Page();
    }

    public async Task<IActionResult> OnPostCheckAsync()
    {
        if (await LoadAsync() is { } redirect)
        {
            return redirect;
        }

        CodeSent = true;
        var code = (Code ?? string.Empty).Trim().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (code.Length is 0 or > 12 || !code.All(char.IsAsciiDigit))
        {
            Error = "Enter the code from the email: digits only.";
            return Page();
        }

        try
        {
            switch (await passcodes.CheckAsync(HttpContext, _app!, _subject!, _session!, code, HttpContext.RequestAborted))
            {
                case PasscodeVerifyResult.Verified:
                    // Recorded in this session only; the authorization request now finds it.
                    return LocalRedirect(ReturnUrl!);
                case PasscodeVerifyResult.Wrong wrong:
                    Error = wrong.TriesLeft == 1 ? "That code isn't right. One try left for this code." : $"That code isn't right. {wrong.TriesLeft} tries left for this code.";
                    break;
                case PasscodeVerifyResult.Expired:
                    Error = "That code has expired, was already used, or a newer one was sent. Ask for a new code.";
                    break;
                case PasscodeVerifyResult.TooManyTries:
                    Error = "Too many wrong tries for this code. Ask for a new code.";
                    break;
                case PasscodeVerifyResult.Locked locked:
                    await LockedAsync(locked.Until);
                    break;
            }
        }
        catch (VerificationStoreUnavailableException)
        {
            return Unavailable();
        }

        return Page();
    }

    /// <summary>Reads who is asking and for which org; null when the page can be shown.</summary>
    private async Task<IActionResult?> LoadAsync()
    {
        if (!VerificationReturnUrl.IsValid(ReturnUrl))
        {
            return BadRequestPage();
        }

        _app = await VerificationReturnUrl.FindAppAsync(directory, ReturnUrl, HttpContext.RequestAborted);
        _session = await sessions.CurrentAsync(HttpContext);
        _subject = _app is null || _session is not { IsOffline: false } ? null : await directory.DescribeAsync(_session.AccountId, _app, HttpContext.RequestAborted);
        if (_app is null || _subject is null)
        {
            // No session (or it expired): the authorization request takes the person through sign-in first.
            return _app is null ? BadRequestPage() : LocalRedirect(ReturnUrl!);
        }

        OrganisationName = _app.OrganisationName;
        MaskedEmail = Mask(_subject.Email);
        var reverifyEvery = _subject.ExternalPolicy.Policy.ReverifyEvery;
        // The org's policy is the reason only where it applies (an external user on an enforced app, while it requires
        // verification); otherwise the app asked for more with acr_values, and the page says so.
        Why = !_subject.PolicyAppliesOn(_app.Enforcement)
            ? $"{_app.AppName} of {_app.OrganisationName} asks for a one-time code to confirm it's you before you continue."
            : reverifyEvery == TimeSpan.Zero
                ? $"{_app.OrganisationName} asks people from outside the organisation to confirm their identity with a one-time code at every sign-in to {_app.AppName}."
                : $"{_app.OrganisationName} asks people from outside the organisation to confirm their identity with a one-time code every {Describe(reverifyEvery)} before using {_app.AppName}.";

        if (_app.ClientId == AccountDirectory.PortalClientId)
        {
            Why = ReturnUrl!.StartsWith(TwoStep.TwoStepInteraction.EnrolPath, StringComparison.Ordinal)
                ? "Before you set up an authenticator app, confirm that this email address is yours with a one-time code."
                : $"Confirm it's you with a one-time code before you continue: this part of your {_app.OrganisationName} account needs a recent, strong sign-in.";
        }

        return null;
    }

    private async Task LockedAsync(DateTimeOffset until)
    {
        CanSend = false;
        CodeSent = false;
        Error = null;
        LockedNotice = VerificationLockNotice.For(until, clock.GetUtcNow(),
            await directory.ManagingOrganisationNameAsync(_subject!.Email, HttpContext.RequestAborted));
    }

    private IActionResult Unavailable() => RedirectToPage("/Account/VerificationUnavailable", new { returnUrl = ReturnUrl });

    private IActionResult BadRequestPage()
    {
        Error = "This link is not valid. Go back to the application and sign in again.";
        CanSend = false;
        return BadRequest();
    }

    /// <summary>Shows enough of the address to recognise it, not enough to harvest it: b••@partner.test.</summary>
    public static string Mask(string email)
    {
        var at = email.LastIndexOf('@');
        return at <= 0 ? "your email address" : email[0] + new string('•', Math.Max(2, at - 1)) + email[at..];
    }

    private static string Minutes(TimeSpan span)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(span.TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes} minutes";
    }

    /// <summary>"day", "7 days", "hour", "12 hours", "90 minutes": the interval in words, as in "every day".</summary>
    private static string Describe(TimeSpan interval)
    {
        static string Count(long n, string unit) => n == 1 ? unit : $"{n} {unit}s";
        return interval.TotalDays % 1 == 0 ? Count((long)interval.TotalDays, "day")
            : interval.TotalHours % 1 == 0 ? Count((long)interval.TotalHours, "hour")
            : Count((long)Math.Ceiling(interval.TotalMinutes), "minute");
    }
}
