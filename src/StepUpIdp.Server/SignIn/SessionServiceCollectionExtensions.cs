using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.Sessions;

namespace StepUpIdp.Server.SignIn;

public static class SessionServiceCollectionExtensions
{
    /// <summary>
    /// The IdP's sign-in sessions (docs/sessions.md): a cookie holding only the account and an opaque session id,
    /// checked on every request against the server-side session in Redis; back-channel logout; and the antiforgery
    /// protection of the IdP's forms.
    /// </summary>
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
                // The server-side session decides when the session ends; the cookie only must not outlive it.
                cookie.ExpireTimeSpan = TimeSpan.FromMinutes(idp.SessionLifetimeMinutes);
                cookie.SlidingExpiration = false;
                cookie.Events.OnValidatePrincipal = SessionCookieValidation.ValidateAsync;
            });

        services.AddScoped<SignInSessions>();
        services.AddScoped<PortalStepUp>();
        services.AddScoped<LogoutNotifier>();
        services.AddSingleton<LogoutTokenFactory>();
        services.AddSingleton<IssuerUri>();
        services.AddHostedService<SessionWorker>();
        services.AddHttpClient(SessionWorker.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10))
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

        services.AddAuthorization();
        services.AddAntiforgery(antiforgery =>
        {
            antiforgery.Cookie.Name = "stepupidp.antiforgery";
            antiforgery.Cookie.SecurePolicy = secure;
        });
        return services;
    }
}
