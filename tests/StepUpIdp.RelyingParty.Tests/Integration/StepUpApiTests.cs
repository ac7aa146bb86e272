using System.Net;

namespace StepUpIdp.RelyingParty.Tests.Integration;

public sealed class StepUpApiTests(StepUpApiHost api) : IClassFixture<StepUpApiHost>
{
    private static string Challenge(HttpResponseMessage response) => Assert.Single(response.Headers.WwwAuthenticate).ToString();

    [Fact]
    public async Task Weak_token_gets_401_with_the_rfc_9470_acr_challenge()
    {
        var response = await api.GetAsync("/otp", api.Token(StepUpAcr.Basic, TimeSpan.FromMinutes(1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A stronger authentication level is required.\", acr_values=\"urn:stepupidp:acr:otp\"",
            Challenge(response));
    }

    [Theory]
    [InlineData("JWT")]
    [InlineData("id_token+jwt")]
    public async Task A_token_not_typed_as_an_access_token_is_refused_however_strong(string type)
    {
        var response = await api.GetAsync("/otp", api.Token(StepUpAcr.TwoStep, TimeSpan.FromMinutes(1), type: type));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("invalid_token", Challenge(response));
    }

    [Fact]
    public async Task A_token_for_another_audience_is_refused()
    {
        var response = await api.GetAsync("/otp", api.Token(StepUpAcr.TwoStep, TimeSpan.FromMinutes(1), audience: "other-app"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Strong_token_gets_through()
    {
        var response = await api.GetAsync("/otp", api.Token(StepUpAcr.TwoStep, TimeSpan.FromHours(3)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Old_authentication_gets_401_with_max_age()
    {
        var response = await api.GetAsync("/recent", api.Token(StepUpAcr.Otp, TimeSpan.FromMinutes(6)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"More recent authentication is required.\", max_age=\"300\"",
            Challenge(response));
    }

    [Fact]
    public async Task Recent_authentication_gets_through()
    {
        var response = await api.GetAsync("/recent", api.Token(StepUpAcr.Basic, TimeSpan.FromMinutes(4)));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Weak_and_old_token_is_asked_for_both_in_one_challenge()
    {
        var response = await api.GetAsync("/2sv-recent", api.Token(StepUpAcr.Otp, TimeSpan.FromHours(1)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.EndsWith(", acr_values=\"urn:stepupidp:acr:2sv\", max_age=\"300\"", Challenge(response));
    }

    [Fact]
    public async Task Token_from_api_token_exchange_gets_the_challenge()
    {
        var response = await api.GetAsync("/otp", api.Token(StepUpAcr.Basic, TimeSpan.Zero, apiTokenId: "tok-1"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"insufficient_user_authentication\", error_description=\"A token exchanged from an API token", Challenge(response));
        Assert.EndsWith(", acr_values=\"urn:stepupidp:acr:otp\"", Challenge(response));
    }

    [Fact]
    public async Task Token_from_api_token_exchange_never_counts_as_recent_either()
    {
        var response = await api.GetAsync("/recent", api.Token(StepUpAcr.Basic, TimeSpan.Zero, apiTokenId: "tok-1"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.EndsWith(", max_age=\"300\"", Challenge(response));
    }

    [Fact]
    public async Task Missing_token_keeps_the_plain_bearer_challenge()
    {
        var response = await api.GetAsync("/otp", token: null);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Bearer", Challenge(response));
    }

    [Theory]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJzdWIiOiJhY2N0LTEifQ.")]
    public async Task Garbage_token_gets_invalid_token_and_no_step_up_challenge(string token)
    {
        var response = await api.GetAsync("/otp", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", Challenge(response));
    }

    [Fact]
    public async Task Expired_token_gets_invalid_token_and_no_step_up_challenge()
    {
        var response = await api.GetAsync("/otp", api.Token(StepUpAcr.TwoStep, TimeSpan.Zero, lifetime: TimeSpan.FromMinutes(-10)));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.StartsWith("Bearer error=\"invalid_token\"", Challenge(response));
        Assert.DoesNotContain("insufficient_user_authentication", Challenge(response));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("urn:other:acr:gold")]
    [InlineData("urn:stepupidp:acr:OTP")]
    public async Task Token_without_a_known_acr_is_asked_for_the_level(string? acr)
    {
        var response = await api.GetAsync("/otp", api.Token(acr, TimeSpan.Zero));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(
            "Bearer error=\"insufficient_user_authentication\", error_description=\"A stronger authentication level is required.\", acr_values=\"urn:stepupidp:acr:otp\"",
            Challenge(response));
    }

    [Fact]
    public async Task Missing_role_stays_a_403_because_stepping_up_would_not_help()
    {
        var response = await api.GetAsync("/admin-otp", api.Token(StepUpAcr.Basic, TimeSpan.Zero, role: "user"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(response.Headers.WwwAuthenticate);
    }

    [Fact]
    public async Task Admin_with_weak_token_is_asked_to_step_up()
    {
        var response = await api.GetAsync("/admin-otp", api.Token(StepUpAcr.Basic, TimeSpan.Zero, role: "admin"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.EndsWith("acr_values=\"urn:stepupidp:acr:otp\"", Challenge(response));
    }
}
