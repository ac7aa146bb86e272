using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StepUpIdp.RelyingParty;

/// <summary>Registers StepUpIdp step-up handling in a relying web app or API. Safe to call more than once.</summary>
public static class StepUpIdpServiceCollectionExtensions
{
    /// <summary>
    /// For a web app signed in with a cookie and an OpenIdConnect scheme pointed at StepUpIdp:
    /// <list type="bullet">
    /// <item>a session whose <c>reverify_at</c> has passed (by the registered <see cref="TimeProvider"/>) is
    /// ended, and the next challenge sends the person to the IdP with <c>acr_values</c> of at least
    /// <see cref="StepUpAcr.Otp"/> to verify again;</item>
    /// <item>a failed <see cref="StepUpAuthorizationPolicyBuilderExtensions.RequireAcr"/> or
    /// <see cref="StepUpAuthorizationPolicyBuilderExtensions.RequireRecentAuthentication"/> sends the person to
    /// the IdP with <c>acr_values</c> / <c>max_age</c> instead of answering 403;</item>
    /// <item>a step-up the IdP cannot meet (an OAuth error such as <c>unmet_authentication_requirements</c>, or an
    /// answer below what was asked) ends on a 403 page that says why, not in another trip to the IdP;</item>
    /// <item>after a sign-in or step-up the person returns to this app only, never to another host;</item>
    /// <item>a session the IdP ended (OIDC Back-Channel Logout, received by
    /// <see cref="BackChannelLogoutEndpointExtensions.MapStepUpIdpBackChannelLogout"/>) ends at its next request.</item>
    /// </list>
    /// The app stops at start-up when <see cref="StepUpIdpWebAppOptions"/> names no cookie or OpenIdConnect scheme of it.
    /// Keep <c>SaveTokens</c> as you like; set <c>MapInboundClaims = false</c> on the OIDC options so the
    /// claims keep their issued names (the library reads a mapped <c>acr</c> too).
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddAuthentication(o =>
    ///     {
    ///         o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    ///         o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
    ///     })
    ///     .AddCookie()
    ///     .AddOpenIdConnect(o =>
    ///     {
    ///         o.Authority = "https://idp.example";
    ///         o.ClientId = "my-app";
    ///         o.ResponseType = "code";
    ///         o.MapInboundClaims = false;
    ///     });
    /// builder.Services.AddStepUpIdpWebApp();
    /// builder.Services.AddAuthorization(o =>
    ///     o.AddPolicy("otp", p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp)));
    ///
    /// app.MapGet("/reports", () => "...").RequireAuthorization("otp");
    /// </code>
    /// </example>
    public static IServiceCollection AddStepUpIdpWebApp(this IServiceCollection services, Action<StepUpIdpWebAppOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);

        AddStepUpAuthorization(services);
        services.AddOptions<StepUpIdpWebAppOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<StepUpIdpWebAppOptions>, StepUpIdpWebAppOptionsValidation>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        // Ended sessions live in the app's distributed cache: register a shared one (Redis, say) before this call so
        // that a logout received by one node ends the session on all of them; otherwise it is per node.
        services.AddDistributedMemoryCache();
        services.TryAddSingleton<BackChannelLogout>();
        services.TryAddSingleton<StepUpIdpWebAppConfiguration>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<CookieAuthenticationOptions>, StepUpIdpWebAppConfiguration>(
            sp => sp.GetRequiredService<StepUpIdpWebAppConfiguration>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<OpenIdConnectOptions>, StepUpIdpWebAppConfiguration>(
            sp => sp.GetRequiredService<StepUpIdpWebAppConfiguration>()));
        return services;
    }

    /// <summary>
    /// For an API that accepts StepUpIdp access tokens with a JwtBearer scheme: a failed
    /// <see cref="StepUpAuthorizationPolicyBuilderExtensions.RequireAcr"/> or
    /// <see cref="StepUpAuthorizationPolicyBuilderExtensions.RequireRecentAuthentication"/> answers
    /// 401 with RFC 9470's challenge instead of 403, e.g.
    /// <c>WWW-Authenticate: Bearer error="insufficient_user_authentication", error_description="...", acr_values="urn:stepupidp:acr:otp"</c>.
    /// Tokens exchanged from API tokens (<c>api_token_id</c>) never meet a step-up requirement. Every JwtBearer scheme
    /// accepts only access tokens (<c>typ</c> <c>at+jwt</c>), never an ID token, and always checks the audience.
    /// </summary>
    /// <example>
    /// <code>
    /// builder.Services.AddAuthentication().AddJwtBearer(o =>
    /// {
    ///     o.Authority = "https://idp.example";
    ///     o.Audience = "my-app";
    ///     o.MapInboundClaims = false;
    /// });
    /// builder.Services.AddStepUpIdpApi();
    /// builder.Services.AddAuthorization(o => o.AddPolicy("recent-otp", p => p
    ///     .RequireAuthenticatedUser()
    ///     .RequireAcr(StepUpAcr.Otp)
    ///     .RequireRecentAuthentication(TimeSpan.FromMinutes(5))));
    ///
    /// app.MapDelete("/projects/{id}", DeleteProject).RequireAuthorization("recent-otp");
    /// </code>
    /// </example>
    public static IServiceCollection AddStepUpIdpApi(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        AddStepUpAuthorization(services);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IPostConfigureOptions<JwtBearerOptions>, StepUpIdpApiConfiguration>());
        return services;
    }

    private static void AddStepUpAuthorization(IServiceCollection services)
    {
        services.AddAuthorization();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAuthorizationHandler, StepUpAuthorizationHandler>());

        // ASP.NET Core registers its default result handler with TryAdd; ours replaces it (and hands
        // every other case back to it). An app that registers its own handler later loses step-up
        // challenges and gets 403s instead: it fails closed.
        services.RemoveAll<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler>();
        services.AddSingleton<Microsoft.AspNetCore.Authorization.IAuthorizationMiddlewareResultHandler, StepUpAuthorizationResultHandler>();
    }
}
