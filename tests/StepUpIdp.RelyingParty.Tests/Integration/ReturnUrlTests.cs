using System.Net;

namespace StepUpIdp.RelyingParty.Tests.Integration;

/// <summary>After a sign-in or step-up the person comes back to this app, never to an address a request named elsewhere.</summary>
public sealed class ReturnUrlTests : IAsyncDisposable
{
    private readonly StepUpWebAppHost _web = new();

    [Theory]
    [InlineData("http://localhost//evil.example/reports")]
    [InlineData("http://localhost/%2F%2Fevil.example/reports")]
    [InlineData("http://localhost/%5Cevil.example/reports")]
    public async Task A_step_up_from_a_path_that_reads_as_another_host_returns_to_this_app(string url)
    {
        var basic = await _web.SignInAsync(("acr", StepUpAcr.Basic));
        var challenge = await _web.GetAsync(url, basic);

        var callback = await _web.CompleteSignInAsync(challenge, ("acr", StepUpAcr.Otp));

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        var location = callback.Headers.Location!.OriginalString;
        Assert.StartsWith("/", location);
        Assert.False(location.StartsWith("//", StringComparison.Ordinal) || location.StartsWith("/\\", StringComparison.Ordinal), location);
    }

    [Theory]
    [InlineData("https://evil.example/reports")]
    [InlineData("//evil.example/reports")]
    [InlineData("/\\evil.example/reports")]
    public async Task A_return_url_the_app_took_from_the_request_stays_in_this_app(string returnUrl)
    {
        var challenge = await _web.GetAsync("/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl), cookie: null);

        var callback = await _web.CompleteSignInAsync(challenge, ("acr", StepUpAcr.Basic));

        Assert.Equal("/", callback.Headers.Location?.OriginalString);
    }

    [Theory]
    [InlineData("/reports?tab=2")]
    [InlineData("http://localhost/reports?tab=2")]
    public async Task A_return_url_in_this_app_is_kept(string returnUrl)
    {
        var challenge = await _web.GetAsync("/sign-in?returnUrl=" + Uri.EscapeDataString(returnUrl), cookie: null);

        var callback = await _web.CompleteSignInAsync(challenge, ("acr", StepUpAcr.Basic));

        Assert.Equal(returnUrl, callback.Headers.Location?.OriginalString);
    }

    public async ValueTask DisposeAsync() => await _web.DisposeAsync();
}
