using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using StepUpIdp.Server.Tests.Fixtures;

namespace StepUpIdp.Server.Tests;

/// <summary>
/// Malformed and hostile requests to every endpoint get an OAuth error (JSON or a redirect with
/// <c>error=</c>) or a readable page — never a 500 or a stack trace.
/// </summary>
public sealed class HostileRequestTests(HostileRequestTests.Idp fixture) : IClassFixture<HostileRequestTests.Idp>
{
    public sealed class Idp : IAsyncLifetime
    {
        private HttpClient? _admin;

        public IdpHost Host { get; } = new();
        public Task InitializeAsync() => Task.CompletedTask;

        /// <summary>Alice's admin API client, signed in once for the whole class.</summary>
        public async Task<HttpClient> AdminAsync() => _admin ??= await AdminClient.ForAsync(Host, "alice@acme.test");

        /// <summary>Every redirect and post-logout URI the host's apps registered: the only places off the IdP a redirect may go.</summary>
        public Task<IReadOnlySet<string>> RegisteredRedirectsAsync() => PageAssert.RegisteredRedirectsAsync(Host);

        public async Task DisposeAsync()
        {
            _admin?.Dispose();
            await Host.DisposeAsync();
        }
    }

    private const string Redirect = "http%3A%2F%2F127.0.0.1%3A8765%2Fcallback";
    private const string Challenge = "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM&code_challenge_method=S256";
    private static readonly string Huge = new('a', 6000);

    public static TheoryData<string, string> AuthorizeRequests() => new()
    {
        { "no parameters", "" },
        { "unknown client", $"client_id=nope&redirect_uri={Redirect}&response_type=code&scope=openid&{Challenge}" },
        { "wrong redirect_uri", $"client_id=demo-spa&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code&scope=openid&{Challenge}" },
        { "repeated client_id", $"client_id=demo-spa&client_id=demo-api&redirect_uri={Redirect}&response_type=code&scope=openid&{Challenge}" },
        { "unsupported response_type", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=token&scope=openid&{Challenge}" },
        { "missing PKCE", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid" },
        { "plain PKCE", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&code_challenge=abc&code_challenge_method=plain" },
        { "unknown scope", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid%20root&{Challenge}" },
        { "prompt=none without session", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&prompt=none&{Challenge}" },
        { "oversized state", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&state={Huge}&{Challenge}" },
        { "garbage max_age", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&max_age=soon&{Challenge}" },
        { "max_age past TimeSpan", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&max_age=10000000000000&{Challenge}" },
        { "max_age past ulong", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&max_age=99999999999999999999999&{Challenge}" },
        { "forged interaction marker", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&stepup_interaction=xyz&{Challenge}" },
        { "confidential client on authorize", $"client_id=demo-api&redirect_uri={Redirect}&response_type=code&scope=openid&{Challenge}" },
        { "garbage id_token_hint", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&id_token_hint=garbage&{Challenge}" },
        { "unsigned id_token_hint with prompt=none", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&prompt=none&id_token_hint=eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.&{Challenge}" },
        { "admin scope with garbage acr_values", $"client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid%20stepup.admin&acr_values=%00%FF&{Challenge}" },
    };

    [Theory]
    [MemberData(nameof(AuthorizeRequests))]
    public async Task Authorize_endpoint_answers_bad_requests_with_an_error_not_a_crash(string _, string query)
    {
        var response = await SendAsync(HttpMethod.Get, "connect/authorize?" + query);
        await AssertCleanErrorAsync(response);
    }

    public static TheoryData<string, string, string> TokenRequests() => new()
    {
        { "empty body", "application/x-www-form-urlencoded", "" },
        { "JSON body", "application/json", """{"grant_type":"client_credentials"}""" },
        { "unknown grant", "application/x-www-form-urlencoded", "grant_type=magic&client_id=demo-api&client_secret=demo-api-secret" },
        { "unknown client", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=nope&client_secret=x" },
        { "wrong secret", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=demo-api&client_secret=wrong" },
        { "repeated grant_type", "application/x-www-form-urlencoded", "grant_type=client_credentials&grant_type=refresh_token&client_id=demo-api&client_secret=demo-api-secret" },
        { "garbage code", "application/x-www-form-urlencoded", $"grant_type=authorization_code&client_id=demo-spa&code=garbage&redirect_uri={Redirect}&code_verifier=abc" },
        { "garbage refresh token", "application/x-www-form-urlencoded", "grant_type=refresh_token&client_id=demo-spa&refresh_token=garbage" },
        { "public client asks client_credentials", "application/x-www-form-urlencoded", "grant_type=client_credentials&client_id=demo-spa" },
        { "oversized value", "application/x-www-form-urlencoded", $"grant_type=client_credentials&client_id=demo-api&client_secret={Huge}{Huge}" },
        { "token exchange with garbage", "application/x-www-form-urlencoded", "grant_type=urn:ietf:params:oauth:grant-type:token-exchange&client_id=demo-api&client_secret=demo-api-secret&subject_token=x&subject_token_type=urn:stepupidp:token-type:api-token" },
    };

    [Theory]
    [MemberData(nameof(TokenRequests))]
    public async Task Token_endpoint_answers_bad_requests_with_oauth_error_json(string _, string contentType, string body)
    {
        var response = await SendAsync(HttpMethod.Post, "connect/token", new StringContent(body, Encoding.UTF8, contentType));
        Assert.InRange((int)response.StatusCode, 400, 499);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error").GetString()));
    }

    public static TheoryData<string, string, string, string?> OtherRequests() => new()
    {
        { "userinfo without token", "GET", "connect/userinfo", null },
        { "userinfo with garbage token", "GET", "connect/userinfo", "Bearer garbage" },
        { "introspection without client", "POST", "connect/introspect", null },
        { "revocation without client", "POST", "connect/revoke", null },
        { "end session with foreign post-logout URI", "GET", "connect/endsession?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2F", null },
        { "sign-in post without antiforgery token", "POST", "account/signin", null },
        { "api tokens with an unsigned token", "POST", "api/me/api-tokens", "Bearer eyJhbGciOiJub25lIiwidHlwIjoiYXQrand0In0.eyJzdWIiOiJ4In0." },
        { "reset authenticator without a token", "POST", "api/orgs/acme/external-users/x/reset-authenticator", null },
        { "unlock with a garbage token", "POST", "api/orgs/acme/external-users/x/unlock", "Bearer garbage" },
        { "named policy without a token", "PUT", "api/orgs/acme/external-policies/pol_x", null },
        { "policy preview with a garbage token", "POST", "api/orgs/acme/external-policies/pol_x/preview", "Bearer garbage" },
        { "verification page returning to another site", "GET", "account/verify?returnUrl=%2F%2Fevil.example%2Fadmin%2Facme", null },
        { "verification page returning to a portal path without an org", "GET", "account/verify?returnUrl=%2Faccount%2Fapi-tokens", null },
        { "authenticator page returning to a backslash path", "GET", "account/authenticator?returnUrl=%2Fadmin%2F%5Cevil.example", null },
        { "admin change with a garbage token", "PUT", "api/orgs/acme/external-policy", "Bearer garbage" },
        { "unknown page", "GET", "no/such/page", null },
        { "error page with odd code", "GET", "error/999", null },
    };

    [Theory]
    [MemberData(nameof(OtherRequests))]
    public async Task Other_endpoints_answer_bad_requests_without_crashing(string _, string method, string path, string? authorization)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.Host.Address, path));
        if (method == "POST")
        {
            request.Content = new FormUrlEncodedContent([new("token", "garbage"), new("Email", "a@b.test"), new("Password", "x")]);
        }

        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var http = NoRedirectClient();
        await AssertCleanErrorAsync(await http.SendAsync(request));
    }

    public static TheoryData<string, string, string, string?> AdminApiRequests() => new()
    {
        { "people page 0", "GET", "api/orgs/acme/users?page=0", null },
        { "people page size of a billion", "GET", "api/orgs/acme/users?pageSize=1000000000", null },
        { "unknown person type", "GET", "api/orgs/acme/users?type=robot&status=asleep", null },
        { "invitation of malformed JSON", "POST", "api/orgs/acme/users", "{\"emails\": [" },
        { "invitation with emails of the wrong type", "POST", "api/orgs/acme/users", """{"emails":"erin@acme.test","roles":[1]}""" },
        { "invitation of nulls and nonsense", "POST", "api/orgs/acme/users", """{"emails":[null,"","not an address"],"roles":{"nope":"king"},"groups":[null,"grp_x"]}""" },
        { "invitation as a JSON array", "POST", "api/orgs/acme/users", "[]" },
        { "unknown person", "GET", "api/orgs/acme/users/nope", null },
        { "person id with an encoded slash", "GET", "api/orgs/acme/users/a%2Fb", null },
        { "change of an unknown person", "PUT", "api/orgs/acme/users/nope", """{"roles":{"demo-spa":"user"}}""" },
        { "change with a huge number as a role", "PUT", "api/orgs/acme/users/nope", """{"roles":{"demo-spa":1e999}}""" },
        { "deactivate an unknown person", "POST", "api/orgs/acme/users/nope/deactivate", null },
        { "remove an unknown person", "DELETE", "api/orgs/acme/users/nope", null },
        { "group with a number for a name", "POST", "api/orgs/acme/groups", """{"name":123}""" },
        { "group with null and unknown roles", "POST", "api/orgs/acme/groups", """{"name":"G","roles":[null,{"app":"nope","role":"king","spaces":[null]}]}""" },
        { "unknown group", "GET", "api/orgs/acme/groups/nope", null },
        { "rename of an unknown group", "PUT", "api/orgs/acme/groups/nope", """{"name":"x"}""" },
        { "members for an unknown group", "POST", "api/orgs/acme/groups/nope/members", """{"emails":["not an address",null]}""" },
        { "remove a member of an unknown group", "DELETE", "api/orgs/acme/groups/nope/members/x", null },
        { "app with a path for a client id", "POST", "api/orgs/acme/apps", """{"clientId":"../x","name":"x","type":"public","redirectUris":["not a uri",null]}""" },
        { "app of an unknown type", "POST", "api/orgs/acme/apps", """{"name":"","type":"robot","scopes":[null],"spaces":[""]}""" },
        { "unknown app", "GET", "api/orgs/acme/apps/nope", null },
        { "change of an unknown app", "PUT", "api/orgs/acme/apps/nope", """{"name":"x"}""" },
        { "secret with a garbled end date", "POST", "api/orgs/acme/apps/demo-api/secrets", """{"expiresAt":"soon"}""" },
        { "secret for an unknown app", "POST", "api/orgs/acme/apps/nope/secrets", """{"expiresAt":"9999-12-31T23:59:59Z"}""" },
        { "delete an unknown secret", "DELETE", "api/orgs/acme/apps/demo-api/secrets/nope", null },
        { "domain of the wrong type", "POST", "api/orgs/acme/domains", """{"domain":["acme.test"]}""" },
        { "domain that is no domain", "POST", "api/orgs/acme/domains", """{"domain":"-..-"}""" },
        { "unknown domain", "GET", "api/orgs/acme/domains/nope.test", null },
        { "verify an unknown domain", "POST", "api/orgs/acme/domains/nope.test/verify", null },
        { "delete an unknown domain", "DELETE", "api/orgs/acme/domains/nope.test", null },
        { "audit page size of a billion", "GET", "api/orgs/acme/audit?pageSize=1000000000", null },
    };

    [Theory]
    [MemberData(nameof(AdminApiRequests))]
    public async Task Admin_api_answers_bad_requests_with_a_problem_not_a_crash(string _, string method, string path, string? json)
    {
        var admin = await fixture.AdminAsync();
        var request = new HttpRequestMessage(new HttpMethod(method), new Uri(fixture.Host.Address, path));
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        var response = await admin.SendAsync(request);
        await AssertCleanErrorAsync(response);
        Assert.InRange((int)response.StatusCode, 400, 499);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("api/orgs/acme/users?page=abc", "page")]
    [InlineData("api/orgs/acme/users?page=99999999999", "page")]
    [InlineData("api/orgs/acme/audit?pageSize=1e9", "pageSize")]
    [InlineData("api/orgs/acme/audit?page=abc", "page")]
    [InlineData("api/orgs/acme/audit?page=99999999999", "page")]
    [InlineData("api/orgs/acme/audit?pageSize=1.5", "pageSize")]
    [InlineData("api/orgs/acme/audit?page=1&page=2", "page")]
    public async Task Admin_api_query_of_the_wrong_type_is_a_field_error(string path, string field)
    {
        var admin = await fixture.AdminAsync();

        var response = await admin.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty(field, out _));
    }

    [Theory]
    [InlineData("PATCH", "api/orgs/acme/users", HttpStatusCode.MethodNotAllowed)]
    [InlineData("HEAD", "api/orgs/acme/users", HttpStatusCode.MethodNotAllowed)]
    [InlineData("GET", "api/orgs/acme/nope", HttpStatusCode.NotFound)]
    [InlineData("GET", "api/me", HttpStatusCode.NotFound)]
    public async Task Admin_api_answers_a_path_or_method_it_does_not_have_with_a_problem(string method, string path, HttpStatusCode status)
    {
        var admin = await fixture.AdminAsync();

        var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Admin_api_refuses_a_body_over_64_KB_whether_its_length_is_announced_or_chunked(bool chunked)
    {
        var admin = await fixture.AdminAsync();
        var json = $$"""{"name":"{{new string('x', 5 * 1024 * 1024)}}"}""";
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.Address, "api/orgs/acme/groups"))
        {
            Content = chunked ? new ChunkedJson(json) : new StringContent(json, Encoding.UTF8, "application/json"),
        };

        var response = await admin.SendAsync(request);

        Assert.True(response.StatusCode == HttpStatusCode.RequestEntityTooLarge, $"{response.StatusCode} {response.Content.Headers.ContentType} {await response.Content.ReadAsStringAsync()}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("too large", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("title").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Admin_api_reads_a_small_chunked_body()
    {
        var admin = await fixture.AdminAsync();
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.Address, "api/orgs/acme/groups")) { Content = new ChunkedJson("""{"name":123}""") };

        var response = await admin.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("name", out _));
    }

    [Theory]
    [InlineData("api/orgs/acme/users", null, "Bearer")]
    [InlineData("api/orgs/acme/users", "Bearer garbage", "Bearer error=\"invalid_token\"")]
    [InlineData("api/me/api-tokens", null, "Bearer")]
    [InlineData("api/me/api-tokens", "Bearer garbage", "Bearer error=\"invalid_token\"")]
    public async Task An_api_call_without_a_caller_is_challenged_for_a_bearer_token(string path, string? authorization, string challenge)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(fixture.Host.Address, path));
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var http = NoRedirectClient();
        using var response = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(challenge, response.Headers.WwwAuthenticate.ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_number_sent_as_a_string_is_the_wrong_type_for_its_field()
    {
        var admin = await fixture.AdminAsync();
        using var body = new StringContent("""
            {"verification":"required","reverifyEvery":"P1D","methods":["email_otp"],"requireTwoStepVerification":false,
             "apiTokens":"allow","apiTokenMaxLifetimeDays":"30"}
            """, Encoding.UTF8, "application/json");
        var response = await admin.PostAsync("api/orgs/acme/external-policy/preview", body);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(problem.RootElement.GetProperty("errors").TryGetProperty("apiTokenMaxLifetimeDays", out _), problem.RootElement.ToString());
    }

    [Theory]
    [InlineData("GET", "api/orgs/acme/groups/nope", "A group with this id")]
    [InlineData("DELETE", "api/orgs/acme/groups/nope/members/nobody", "A group with this id")]
    [InlineData("GET", "api/orgs/acme/users/nope", "A person with this id")]
    public async Task A_missing_thing_is_named_in_its_not_found_answer(string method, string path, string named)
    {
        var admin = await fixture.AdminAsync();
        using var response = await admin.SendAsync(new HttpRequestMessage(new HttpMethod(method), path));
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.StartsWith(named, problem.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task A_people_page_far_past_the_end_is_empty_not_the_first_page()
    {
        var admin = await fixture.AdminAsync();

        var page = await admin.GetFromJsonAsync<JsonElement>("api/orgs/acme/users?page=21474837&pageSize=200");

        Assert.Equal(0, page.GetProperty("users").GetArrayLength());
        Assert.True(page.GetProperty("total").GetInt32() > 0);
    }

    [Theory]
    [InlineData("not-an-address")]
    [InlineData("999.999.999.999")]
    [InlineData("2001:db8::1, 198.51.100.7, ::::")]
    [InlineData(",,,")]
    public async Task Garbled_forwarded_headers_never_crash_a_form_post(string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(fixture.Host.Address, "account/signin"))
        {
            Content = new FormUrlEncodedContent([new("Email", "a@b.test"), new("Password", "x")]),
        };
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        request.Headers.TryAddWithoutValidation("X-Forwarded-Proto", "gopher");

        using var http = NoRedirectClient();
        await AssertCleanErrorAsync(await http.SendAsync(request));
    }

    [Fact]
    public async Task Sign_in_never_redirects_to_another_site()
    {
        using var browser = new Browser();
        var page = await browser.OpenAsync(new Uri(fixture.Host.Address, "account/signin?ReturnUrl=https%3A%2F%2Fevil.example%2F"));
        var landed = await browser.SubmitAsync(page, new Dictionary<string, string> { ["Email"] = "dave@acme.test", ["Password"] = "demo-Passw0rd" });
        Assert.Equal(fixture.Host.Address.Authority, landed.Url.Authority);
    }

    [Fact]
    public async Task A_code_redeemed_with_the_wrong_PKCE_verifier_is_refused()
    {
        var callbackUri = new Uri("http://127.0.0.1:9/pkce/callback");
        await fixture.Host.RegisterPublicAppAsync("acme-pkce", "acme", callbackUri, Domain.Policy.AppEnforcement.Exempt);
        await fixture.Host.GrantAsync("acme-pkce", "alice@acme.test", Domain.Roles.AppRole.User);
        var flow = new CodeFlow(fixture.Host.Address, "acme-pkce", callbackUri);
        using var browser = new Browser { StopAt = callbackUri };
        var callback = await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test");

        var (status, body) = await flow.RedeemAsync(CodeFlow.ReadCallback(callback).Code!, verifier: new string('x', 43));

        Assert.Equal(400, status);
        Assert.Equal("invalid_grant", body.GetProperty("error").GetString());
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, HttpContent? content = null)
    {
        using var http = NoRedirectClient();
        return await http.SendAsync(new HttpRequestMessage(method, new Uri(fixture.Host.Address, path)) { Content = content });
    }

    private static HttpClient NoRedirectClient() => new(new HttpClientHandler { AllowAutoRedirect = false });

    /// <summary>
    /// No 5xx, no stack trace, and a redirect of any 3xx code goes only to the IdP itself or back to a registered redirect
    /// URI (exactly, as OAuth demands) with an OAuth error: never to a place the request named.
    /// </summary>
    private async Task AssertCleanErrorAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{(int)response.StatusCode}: {body}");
        Assert.DoesNotContain("   at ", body); // no stack trace
        Assert.DoesNotContain("Exception", body);

        PageAssert.RedirectsOnlyToTheIdpOrAnApp(response, fixture.Host.Address, await fixture.RegisteredRedirectsAsync(), requireError: true);
    }

    [Fact]
    public async Task A_sign_in_post_with_the_right_password_but_no_antiforgery_token_is_refused_and_signs_nobody_in()
    {
        using var http = NoRedirectClient();
        using var response = await http.PostAsync(new Uri(fixture.Host.Address, "account/signin"),
            new FormUrlEncodedContent([new("Email", "dave@acme.test"), new("Password", "demo-Passw0rd")]));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var cookies = response.Headers.TryGetValues("Set-Cookie", out var values) ? values.ToList() : [];
        Assert.DoesNotContain(cookies, c => c.StartsWith(StepUpIdp.Server.SignIn.SessionDefaults.CookieName + "=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_redirect_check_refuses_an_open_redirect_and_any_3xx_code()
    {
        // The check the tests above rely on must see what an open redirect looks like, whatever the status code.
        foreach (var status in new[] { HttpStatusCode.Found, HttpStatusCode.TemporaryRedirect, HttpStatusCode.PermanentRedirect, HttpStatusCode.MovedPermanently })
        {
            using var evil = new HttpResponseMessage(status) { Content = new StringContent(string.Empty) };
            evil.Headers.Location = new Uri("https://evil.example/cb?error=access_denied");
            await Assert.ThrowsAnyAsync<Xunit.Sdk.XunitException>(() => AssertCleanErrorAsync(evil));
        }

        using var back = new HttpResponseMessage(HttpStatusCode.SeeOther) { Content = new StringContent(string.Empty) };
        back.Headers.Location = new Uri("http://127.0.0.1:8765/callback?error=invalid_request");
        await AssertCleanErrorAsync(back);
    }

    [Fact]
    public async Task A_redirect_off_the_idp_goes_only_to_the_registered_redirect_uri_never_to_a_place_the_request_names()
    {
        // An authorize error for demo-spa goes back to its registered redirect URI, carrying the OAuth error.
        var back = await SendAsync(HttpMethod.Get, $"connect/authorize?client_id=demo-spa&redirect_uri={Redirect}&response_type=code&scope=openid&prompt=none&{Challenge}");
        Assert.InRange((int)back.StatusCode, 300, 399);
        var target = new Uri(fixture.Host.Address, back.Headers.Location!);
        Assert.Equal("http://127.0.0.1:8765/callback", target.GetLeftPart(UriPartial.Path));
        Assert.Contains("error=login_required", target.Query, StringComparison.Ordinal);
        await AssertCleanErrorAsync(back);

        // A place the request names instead is never where the IdP sends anyone, whatever the error and the 3xx code.
        foreach (var path in new[]
        {
            $"connect/authorize?client_id=demo-spa&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code&scope=openid&prompt=none&{Challenge}",
            $"connect/authorize?client_id=demo-spa&redirect_uri={Redirect}&redirect_uri=https%3A%2F%2Fevil.example%2Fcb&response_type=code&scope=openid&{Challenge}",
            "connect/endsession?post_logout_redirect_uri=https%3A%2F%2Fevil.example%2Fcb%3Ferror%3Daccess_denied",
            "account/verify?returnUrl=https%3A%2F%2Fevil.example%2Fcb%3Ferror%3Daccess_denied",
            "account/signin?ReturnUrl=%2F%2Fevil.example%2Fcb%3Ferror%3Daccess_denied",
        })
        {
            var response = await SendAsync(HttpMethod.Get, path);
            if ((int)response.StatusCode is >= 300 and < 400)
            {
                Assert.NotEqual("evil.example", new Uri(fixture.Host.Address, response.Headers.Location!).Host);
            }

            await AssertCleanErrorAsync(response);
        }
    }

    /// <summary>JSON sent with <c>Transfer-Encoding: chunked</c>: its length is not known before it is sent.</summary>
    private sealed class ChunkedJson : HttpContent
    {
        private readonly byte[] _bytes;

        public ChunkedJson(string json)
        {
            _bytes = Encoding.UTF8.GetBytes(json);
            Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) => stream.WriteAsync(_bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
