using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Primitives;
using StepUpIdp.Server.Apps;

namespace StepUpIdp.Server.Tests.Apps;

/// <summary>Which app a cross-origin call speaks for, read from the request as the endpoint will read it.</summary>
public sealed class CorsRequestClientTests
{
    [Fact]
    public async Task The_token_endpoint_names_the_basic_client_before_the_forms()
    {
        var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes("my%20app:s3cr%3At"));
        Assert.Equal("my app", await CorsRequestClient.ReadAsync(Request("POST", "/connect/token", "client_id=other", $"Basic {basic}")));
        Assert.Equal("spa", await CorsRequestClient.ReadAsync(Request("POST", "/connect/token", "grant_type=refresh_token&client_id=spa")));
        Assert.Equal("spa", await CorsRequestClient.ReadAsync(Request("POST", "/connect/revoke", "client_id=spa&token=x")));
    }

    [Fact]
    public async Task Userinfo_names_the_client_of_the_access_token()
    {
        var token = "eyJhbGciOiJub25lIn0." + Base64Url("""{"client_id":"spa","sub":"a"}""") + ".";
        Assert.Equal("spa", await CorsRequestClient.ReadAsync(Request("GET", "/connect/userinfo", authorization: $"Bearer {token}")));
        Assert.Equal("spa", await CorsRequestClient.ReadAsync(Request("POST", "/connect/userinfo", $"access_token={token}")));
    }

    [Theory]
    [InlineData("OPTIONS", "/connect/token", "client_id=spa", null)]
    [InlineData("GET", "/.well-known/jwks", null, null)]
    [InlineData("POST", "/connect/token", "client_id=a&client_id=b", null)]
    [InlineData("POST", "/connect/token", "grant_type=client_credentials", "Basic !!!")]
    [InlineData("GET", "/connect/userinfo", null, "Bearer not-a-token")]
    [InlineData("GET", "/connect/userinfo", null, "Bearer eyJhbGciOiJub25lIn0.bm90LWpzb24.")]
    public async Task A_request_that_names_no_single_client_names_none(string method, string path, string? form, string? authorization) =>
        Assert.Null(await CorsRequestClient.ReadAsync(Request(method, path, form, authorization)));

    private static HttpRequest Request(string method, string path, string? form = null, string? authorization = null)
    {
        var http = new DefaultHttpContext();
        http.Request.Method = method;
        http.Request.Path = path;
        if (authorization is not null)
        {
            http.Request.Headers.Authorization = new StringValues(authorization);
        }

        if (form is not null)
        {
            http.Request.ContentType = "application/x-www-form-urlencoded";
            http.Request.Body = new MemoryStream(Encoding.UTF8.GetBytes(form));
        }

        return http.Request;
    }

    private static string Base64Url(string json) => Convert.ToBase64String(Encoding.UTF8.GetBytes(json)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
