using System.Net;
using StepUpIdp.Server.Tests.Fixtures;
using StepUpIdp.Testing;
using StepUpIdp.Testing.Redis;

namespace StepUpIdp.Server.Tests.Operations;

/// <summary>
/// Two IdP nodes, real processes, behind one address, sharing Redis (sessions, passcodes, the Data Protection key ring)
/// and the database. The node a person is signing in on is killed (SIGKILL) between their password and their passcode;
/// the load balancer sends their next request to the other node, which finishes the sign-in. docs/operations.md,
/// "What each failure does to people".
/// </summary>
[Trait("Category", "Outages")]
public sealed class NodeLossTests : IAsyncLifetime
{
    private const string Bob = "bob@partner.test";
    private static readonly Uri Callback = new("http://127.0.0.1:8765/callback"); // demo-spa's redirect URI

    private readonly RedisTestServer _redis = new();
    private readonly TestDataFolder _data = new();
    private SmtpSink _mail = null!;
    private IdpProcess? _nodeA;
    private IdpProcess? _nodeB;
    private LoadBalancer? _balancer;

    public async Task InitializeAsync()
    {
        _mail = await SmtpSink.StartAsync();
        var shared = new Dictionary<string, string?> { ["Redis:KeyPrefix"] = RedisTestServer.NewKeyPrefix() };
        // One after the other: the first applies the schema and the demo data, the second finds them in place.
        _nodeA = await IdpProcess.StartAsync(_data.Path, _redis.Configuration, _mail, shared);
        _nodeB = await IdpProcess.StartAsync(_data.Path, _redis.Configuration, _mail, shared);
        _balancer = new LoadBalancer(_nodeA.Address, _nodeB.Address);
    }

    public async Task DisposeAsync()
    {
        if (_balancer is not null)
        {
            await _balancer.DisposeAsync();
        }

        foreach (var node in new[] { _nodeA, _nodeB })
        {
            if (node is not null)
            {
                await node.DisposeAsync();
            }
        }

        await _mail.DisposeAsync();
        await _data.DisposeAsync();
        _redis.Dispose();
    }

    [Fact]
    public async Task A_person_whose_node_is_killed_between_password_and_passcode_finishes_on_the_other_node()
    {
        using var browser = new Browser { StopAt = Callback };
        var flow = new CodeFlow(_balancer!.Address, "demo-spa", Callback);

        // On node A (the balancer's first choice while it lives): the password, then the passcode page and the email.
        var signIn = await browser.OpenAsync(flow.AuthorizeUri());
        var verify = await browser.SignInAsync(signIn, Bob);
        Assert.Equal("/account/verify", verify.Url.AbsolutePath);
        var sent = _mail.Messages.Count;
        var codePage = await browser.SubmitAsync(verify, new Dictionary<string, string>(), "#send-form");
        Assert.Equal(HttpStatusCode.OK, codePage.Status);
        Assert.NotNull(codePage.Document.QuerySelector("#verify-form"));
        var code = await People.ReadCodeAsync(_mail, Bob, sent);

        await _nodeA!.KillAsync();
        Assert.True(_nodeA.HasExited);

        // The same browser, cookies and page, types the passcode: the balancer now reaches node B only.
        var callback = await browser.SubmitAsync(codePage, new Dictionary<string, string> { ["Code"] = code }, "#verify-form");

        var (authorizationCode, error, description) = CodeFlow.ReadCallback(callback);
        Assert.True(authorizationCode is not null,
            $"node B did not finish the sign-in: {(int)callback.Status} {callback.Url} {error} {description} {callback.Text("main")}\n{_nodeB!.Output}");
        var (status, tokens) = await flow.RedeemAsync(authorizationCode);
        Assert.Equal(200, status);
        // Signed with the key both nodes share, under the one issuer people see.
        var idToken = await Tokens.ValidateIdTokenAsync(_balancer.Address, tokens.GetProperty("id_token").GetString()!, "demo-spa");
        Assert.Equal(Bob, idToken.GetClaim("email").Value);
        Assert.Equal("external", idToken.GetClaim("user_type").Value);
        Assert.Equal("urn:stepupidp:acr:otp", idToken.GetClaim("acr").Value);
        Assert.False(_nodeB!.HasExited);
    }
}
