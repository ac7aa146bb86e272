using Microsoft.AspNetCore.Authentication.Cookies;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.SignIn;

public static class SessionServiceCollectionExtensions
{
    /// <summary>The IdP's SSO session cookie and the antiforgery protection of its forms.</summary>
    public static IServiceCollection AddStepUpSessions(this IServiceCollection services, IConfiguration configuration)
    {
        var idp = configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();
        var secure = idp.RequireHttps ? CookieSecurePolicy.Always : CookieSecurePolicy.SameAsRequest;

        services.AddAuthentication(SessionDefaults.Scheme)
            .AddCookie(SessionDefaults.Scheme, cookie =>
            {
                cookie.Cookie.Name = SessionDefaults.CookieName;
                cookie.Cookie.HttpOnly = true;
                cookie.Cookie.SecurePolicy = secure;
                // Lax: the session must come along on the top-level redirect from the relying app.
                cookie.Cookie.SameSite = SameSiteMode.Lax;
                cookie.LoginPath = SessionDefaults.SignInPath;
                cookie.LogoutPath = SessionDefaults.SignOutPath;
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(idp.SessionLifetimeMinutes);
                cookie.SlidingExpiration = false;
            });

        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "stepupidp.antiforgery";
            antiforgery.Cookie.SecurePolicy = secure;
        });
        return services;
    }
}
