using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>Settings that would silently switch the library off, or fail on every request, stop the app at start-up instead.</summary>
public sealed class StartupValidationTests
{
    [Fact]
    public void A_cookie_scheme_the_app_did_not_register_stops_the_start()
    {
        // Nothing would be hooked: sessions would outlive reverify_at and back-channel logouts.
        var error = Assert.Throws<OptionsValidationException>(() => new StepUpWebAppHost(cookieScheme: "app-session"));

        Assert.Contains("StepUpIdpWebAppOptions.CookieScheme: 'Cookies' is not a cookie authentication scheme of this app", error.Message);
        Assert.Contains("app-session", error.Message);
    }

    [Fact]
    public async Task The_cookie_scheme_named_in_the_options_is_hooked()
    {
        await using var web = new StepUpWebAppHost(services => services.Configure<StepUpIdpWebAppOptions>(o => o.CookieScheme = "app-session"), cookieScheme: "app-session");

        Assert.Equal("app-session", web.Services.GetRequiredService<IOptions<StepUpIdpWebAppOptions>>().Value.CookieScheme);
    }

    [Fact]
    public void An_openidconnect_scheme_the_app_did_not_register_stops_the_start()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new StepUpWebAppHost(services => services.Configure<StepUpIdpWebAppOptions>(o => o.OpenIdConnectScheme = "StepUpIdp")));

        Assert.Contains("StepUpIdpWebAppOptions.OpenIdConnectScheme: 'StepUpIdp' is not an OpenIdConnect authentication scheme of this app", error.Message);
    }

    [Fact]
    public void A_scheme_of_the_wrong_kind_stops_the_start()
    {
        var error = Assert.Throws<OptionsValidationException>(() => new StepUpWebAppHost(services => services.Configure<StepUpIdpWebAppOptions>(o => o.CookieScheme = "OpenIdConnect")));

        Assert.Contains("StepUpIdpWebAppOptions.CookieScheme: 'OpenIdConnect' is not a cookie authentication scheme", error.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void An_ended_session_memory_that_is_not_positive_stops_the_start(int hours)
    {
        var error = Assert.Throws<OptionsValidationException>(() => new StepUpWebAppHost(services => services.Configure<StepUpIdpWebAppOptions>(o => o.EndedSessionMemory = TimeSpan.FromHours(hours))));

        Assert.Contains("StepUpIdpWebAppOptions.EndedSessionMemory", error.Message);
    }

    [Fact]
    public void A_policy_asking_for_an_unknown_acr_stops_the_start_instead_of_failing_every_request()
    {
        var error = Assert.Throws<ArgumentException>(() => new StepUpWebAppHost(services => services.AddAuthorization(o =>
            o.AddPolicy("gold", p => p.RequireAuthenticatedUser().RequireAcr("urn:other:acr:gold")))));

        Assert.Contains("'urn:other:acr:gold' is not a StepUpIdp acr value", error.Message);
    }

    [Fact]
    public void An_api_policy_with_a_max_age_of_zero_stops_the_start()
    {
        Assert.Throws<ArgumentException>(() => new StepUpApiHost(services => services.AddAuthorization(o =>
            o.AddPolicy("now", p => p.RequireAuthenticatedUser().RequireRecentAuthentication(TimeSpan.Zero)))));
    }
}
