using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using StepUpIdp.RelyingParty;

namespace StepUpIdp.Samples.WebApp;

/// <summary>Pages sign in with cookie + OpenIdConnect (code + PKCE); the API takes the IdP's access tokens.</summary>
public static class SampleAuthentication
{
    public const string OtpPages = "otp-pages";
    public const string TwoStepPages = "2sv-pages";
    public const string RecentPages = "recent-pages";
    public const string ReportApi = "report-api";

    public static IServiceCollection AddSampleAuthentication(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        var authority = configuration["Sample:Authority"];
        var clientId = configuration["Sample:ClientId"];
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new InvalidOperationException("Sample:ClientId is required.");
        }

        if (!Uri.TryCreate(authority, UriKind.Absolute, out var authorityUri)
            || (authorityUri.Scheme != Uri.UriSchemeHttps && authorityUri.Scheme != Uri.UriSchemeHttp))
        {
            throw new InvalidOperationException("Sample:Authority is required: the IdP's absolute https URL.");
        }

        // The demo IdP runs on plain HTTP on loopback, and only that is let through, only in Development:
        // anywhere else metadata, keys and tokens over plain HTTP could be read or replaced on the way.
        var plainHttp = authorityUri.Scheme == Uri.UriSchemeHttp;
        if (plainHttp && !(environment.IsDevelopment() && authorityUri.IsLoopback))
        {
            throw new InvalidOperationException(
                $"Sample:Authority {authorityUri} is plain HTTP: allowed only for a loopback IdP in Development; use https.");
        }

        services.AddAuthentication(o =>
            {
                o.DefaultScheme = CookieAuthenticationDefaults.AuthenticationScheme;
                o.DefaultChallengeScheme = OpenIdConnectDefaults.AuthenticationScheme;
            })
            .AddCookie(o =>
            {
                o.Cookie.Name = "sample.session";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;    // Strict would drop it on the IdP's redirect back
                o.Cookie.SecurePolicy = plainHttp ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            })
            .AddOpenIdConnect(o =>
            {
                o.Authority = authority;
                o.RequireHttpsMetadata = !plainHttp;
                o.ClientId = clientId;                      // demo-spa: a public client, no secret
                o.CallbackPath = "/callback";               // registered as http://127.0.0.1:8765/callback
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.ResponseMode = OpenIdConnectResponseMode.Query;
                o.UsePkce = true;
                // Keeps the tokens in the (encrypted) session cookie so the home page can show the access token for
                // the API, in Development only. An app that does not call an API with it should leave this off.
                o.SaveTokens = true;
                o.MapInboundClaims = false;                 // keep acr, auth_time, reverify_at as issued
                o.GetClaimsFromUserInfoEndpoint = false;
                o.TokenValidationParameters.NameClaimType = "name";
                o.Scope.Clear();
                foreach (var scope in new[] { "openid", "profile", "email" })
                {
                    o.Scope.Add(scope);
                }

                if (plainHttp)
                {
                    // Without HTTPS the browser drops Secure cookies: keep the correlation and nonce cookies.
                    o.CorrelationCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.CorrelationCookie.SameSite = SameSiteMode.Lax;
                    o.NonceCookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    o.NonceCookie.SameSite = SameSiteMode.Lax;
                }
            })
            .AddJwtBearer(o =>
            {
                o.Authority = authority;
                o.RequireHttpsMetadata = !plainHttp;
                o.Audience = clientId;                      // the IdP addresses access tokens to the app they were issued to
                o.MapInboundClaims = false;
            });

        services.AddStepUpIdpWebApp();
        services.AddStepUpIdpApi();
        services.AddAuthorization(o =>
        {
            o.AddPolicy(OtpPages, p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.Otp));
            o.AddPolicy(TwoStepPages, p => p.RequireAuthenticatedUser().RequireAcr(StepUpAcr.TwoStep));
            o.AddPolicy(RecentPages, p => p.RequireAuthenticatedUser().RequireRecentAuthentication(TimeSpan.FromMinutes(2)));
            o.AddPolicy(ReportApi, p => p
                .AddAuthenticationSchemes(JwtBearerDefaults.AuthenticationScheme)
                .RequireAuthenticatedUser()
                .RequireAcr(StepUpAcr.Otp)
                .RequireRecentAuthentication(TimeSpan.FromMinutes(10)));
        });
        return services;
    }
}
