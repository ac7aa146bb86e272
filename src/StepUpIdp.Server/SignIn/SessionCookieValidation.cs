using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// Checks every session cookie against its server-side session (docs/sessions.md), the way ASP.NET Core's
/// SecurityStampValidator checks a cookie against the user store, but on every request: a session ended on any
/// node stops working on all of them at once. Fails closed: while Redis cannot be reached only offline sessions count.
/// </summary>
internal static class SessionCookieValidation
{
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        var sessions = http.RequestServices.GetRequiredService<SignInSessions>();
        var principal = context.Principal;
        var accountId = principal is null ? null : SessionPrincipal.AccountId(principal);
        var sessionId = principal is null ? null : SessionPrincipal.SessionId(principal);
        if (accountId is null || sessionId is null)
        {
            await RejectAsync(context, endCookie: true);
            return;
        }

        if (SessionPrincipal.IsOffline(principal!))
        {
            if (sessions.AcceptOffline(principal!) is { } offline)
            {
                http.Features.Set(new SessionLookup { Session = offline });
                return;
            }

            await RejectAsync(context, endCookie: true);
            return;
        }

        try
        {
            if (await sessions.TouchAsync(accountId, sessionId, http) is { } session)
            {
                http.Features.Set(new SessionLookup { Session = CurrentSession.From(session) });
                return;
            }
        }
        catch (VerificationStoreUnavailableException)
        {
            // Unknown, not ended: keep the cookie for when Redis is back, but do not trust it now.
            http.Features.Set(new SessionLookup { StoreUnavailable = true });
            context.RejectPrincipal();
            return;
        }

        await RejectAsync(context, endCookie: true);
    }

    private static async Task RejectAsync(CookieValidatePrincipalContext context, bool endCookie)
    {
        context.RejectPrincipal();
        if (endCookie)
        {
            await context.HttpContext.SignOutAsync(SessionDefaults.Scheme);
        }
    }
}
