using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Authentication;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Infrastructure.Redis.Passcodes;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Pages.Account;

/// <summary>
/// Guest sign-in with an emailed passcode: an email address, then the code. The page
/// never says whether the address has an invitation, and never shows it back: the address waits for the code step
/// in a protected cookie, so the page a known and an unknown address get is the same, byte for byte.
/// </summary>
public sealed class GuestModel(AccountDirectory directory, GuestPasscodeSignIn passcodes, SignInSessions sessions, IDataProtectionProvider protection, TimeProvider clock)
    : PageModel
{
    public const string PendingCookie = "stepupidp.guest";

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    /// <summary>The app's client id, for the invitation link, which has no authorization request to return to.</summary>
    [BindProperty(SupportsGet = true, Name = "app")]
    public string? AppId { get; set; }

    [BindProperty]
    public string? Email { get; set; }

    [BindProperty]
    public string? Code { get; set; }

    public OrganisationApp? App { get; private set; }
    public bool CodeStep { get; private set; }
    public bool SignedIn { get; private set; }
    public string? Notice { get; private set; }
    public string? EmailError { get; private set; }
    public string? CodeError { get; private set; }

    public async Task<IActionResult> OnGetAsync() => await LoadAsync() ?? Page();

    public async Task<IActionResult> OnPostSendAsync()
    {
        if (await LoadAsync() is { } invalid)
        {
            return invalid;
        }

        var email = Email?.Trim();
        if (!EmailAddress.IsPlausible(email))
        {
            EmailError = "Enter the email address your invitation was sent to, like name@example.com.";
            return Page();
        }

        return await SendAsync(email!);
    }

    public async Task<IActionResult> OnPostResendAsync()
    {
        if (await LoadAsync() is { } invalid)
        {
            return invalid;
        }

        return ReadPending() is { } email ? await SendAsync(email) : StartOver();
    }

    public async Task<IActionResult> OnPostCheckAsync()
    {
        if (await LoadAsync() is { } invalid)
        {
            return invalid;
        }

        if (ReadPending() is not { } email)
        {
            return StartOver();
        }

        CodeStep = true;
        var code = (Code ?? string.Empty).Trim().Replace(" ", string.Empty, StringComparison.Ordinal);
        if (code.Length is 0 or > 12 || !code.All(char.IsAsciiDigit))
        {
            CodeError = "Enter the code from the email: digits only.";
            return Page();
        }

        try
        {
            var check = await passcodes.CheckAsync(App!, email, code, HttpContext.RequestAborted);
            switch (check.Result)
            {
                case PasscodeVerifyResult.Verified verified when check.AccountId is { } accountId:
                    // No password exists for a guest: the emailed passcode is the sign-in (amr "otp"), and it is also
                    // the org's verification, in this new session only.
                    var session = await sessions.StartAsync(HttpContext, accountId, [AuthenticationMethods.OneTimePasscode]);
                    await sessions.RecordVerificationAsync(HttpContext, session, App!.OrganisationId, verified.Record);
                    Response.Cookies.Delete(PendingCookie, CookieOptions());
                    if (AuthorizeReturnUrl.IsValid(ReturnUrl))
                    {
                        return LocalRedirect(ReturnUrl!);
                    }

                    CodeStep = false;
                    SignedIn = true;
                    return Page();
                case PasscodeVerifyResult.Wrong wrong:
                    CodeError = wrong.TriesLeft == 1 ? "That code isn't right. One try left for this code." : $"That code isn't right. {wrong.TriesLeft} tries left for this code.";
                    break;
                case PasscodeVerifyResult.TooManyTries:
                    CodeError = "Too many wrong tries for this code. Ask for a new code.";
                    break;
                case PasscodeVerifyResult.Locked locked:
                    Locked(locked.Until);
                    break;
                default:
                    CodeError = "That code has expired, was already used, or a newer one was sent. Ask for a new code.";
                    break;
            }
        }
        catch (VerificationStoreUnavailableException)
        {
            return Unavailable();
        }

        return Page();
    }

    private async Task<IActionResult> SendAsync(string email)
    {
        CodeStep = true;
        try
        {
            var clientIp = HttpContext.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            switch (await passcodes.SendAsync(App!, email, clientIp, HttpContext.RequestAborted))
            {
                case PasscodeIssueResult.Issued:
                    Notice = $"If this address has a guest invitation to {App!.AppName}, we've emailed it a code. The code works for {Minutes(passcodes.Validity)} and only once.";
                    break;
                case PasscodeIssueResult.CoolingDown cooling:
                    CodeError = $"A code was sent moments ago. You can ask for a new one in {Math.Max(1, (int)Math.Ceiling(cooling.RetryAfter.TotalSeconds))} seconds.";
                    break;
                case PasscodeIssueResult.RateLimited limited:
                    CodeError = $"Too many codes were asked for. Try again in {Minutes(limited.RetryAfter)}.";
                    break;
                case PasscodeIssueResult.Locked locked:
                    Locked(locked.Until);
                    break;
            }
        }
        catch (VerificationStoreUnavailableException)
        {
            return Unavailable();
        }

        Response.Cookies.Append(PendingCookie, Protector().Protect(App!.ClientId + "\n" + email, passcodes.Validity), CookieOptions());
        return Page();
    }

    /// <summary>Finds the app the guest signs in to; a result when the page cannot be shown.</summary>
    private async Task<IActionResult?> LoadAsync()
    {
        var clientId = AuthorizeReturnUrl.IsValid(ReturnUrl) ? AuthorizeReturnUrl.ClientId(ReturnUrl!) : AppId;
        if (!AuthorizeReturnUrl.IsValid(ReturnUrl))
        {
            ReturnUrl = null;
        }

        App = clientId is null ? null : await directory.FindAppAsync(clientId, HttpContext.RequestAborted);
        if (App is null)
        {
            EmailError = "This link is not valid. Open the link in your invitation email again, or go back to the application and sign in.";
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        AppId = App.ClientId;
        return null;
    }

    /// <summary>The address typed at the first step, if its cookie is still valid and for this app.</summary>
    private string? ReadPending()
    {
        if (Request.Cookies[PendingCookie] is not { Length: > 0 } value)
        {
            return null;
        }

        try
        {
            var parts = Protector().Unprotect(value).Split('\n', 2);
            return parts.Length == 2 && parts[0] == App!.ClientId ? parts[1] : null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private IActionResult StartOver()
    {
        CodeStep = false;
        EmailError = "Your code request has run out. Enter your email address again.";
        return Page();
    }

    private void Locked(DateTimeOffset until)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling((until - clock.GetUtcNow()).TotalMinutes));
        // The same words for every address typed (docs/decisions.md, "Guests"), and no promise that the app's organisation
        // can lift it: only the organisation that manages an account may.
        CodeError = $"Sign-in with a code is paused for {minutes} {(minutes == 1 ? "minute" : "minutes")} after too many wrong codes. Wait until then and ask for a new code.";
    }

    private IActionResult Unavailable() => RedirectToPage("/Account/VerificationUnavailable", new { returnUrl = ReturnUrl });

    private ITimeLimitedDataProtector Protector() =>
        protection.CreateProtector("StepUpIdp.Guests.PendingSignIn.v1").ToTimeLimitedDataProtector();

    private CookieOptions CookieOptions() => new()
    {
        HttpOnly = true,
        Secure = Request.IsHttps,
        SameSite = SameSiteMode.Lax,
        Path = "/account/guest",
        IsEssential = true,
    };

    private static string Minutes(TimeSpan span)
    {
        var minutes = Math.Max(1, (int)Math.Ceiling(span.TotalMinutes));
        return minutes == 1 ? "1 minute" : $"{minutes} minutes";
    }
}
