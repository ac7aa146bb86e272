using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using StepUpIdp.Infrastructure.Redis;

namespace StepUpIdp.Server.SignIn;

/// <summary>
/// Checks every session cookie against its server-side session (docs/sessions.md), the way ASP.NET Core's
/// SecurityStampValidator checks a cookie against the user store, but on every request: a session ended on any
/// node stops working on all of them at once, and a cookie the session has replaced (<see cref="CookieStamps"/>) stops
/// working too. Fails closed: while Redis cannot be reached only offline sessions count.
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
                if (!CookieStamps.Matches(session.CookieStampHash, SessionPrincipal.CookieStamp(principal!)))
                {
                    // An earlier cookie of a session that has since proved more (docs/sessions.md): no longer the session's.
                    // The cookie is not deleted: a request of the same browser still in flight would delete its new one.
                    context.RejectPrincipal();
                    return;
                }

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
