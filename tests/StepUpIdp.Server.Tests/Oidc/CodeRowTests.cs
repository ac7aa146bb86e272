using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Tests.Fixtures;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Tests.Oidc;

/// <summary>
/// An authorization code's row is written once, complete (docs/performance.md, "Authorization codes: one write"): what
/// an admin finds in the database and what the app can do with the code must be as OpenIddict made them.
/// </summary>
[Trait("Category", "Redis")]
public sealed class CodeRowTests : IAsyncLifetime
{
    private AcmeWikiHost _wiki = null!;

    public async Task InitializeAsync() => _wiki = await AcmeWikiHost.StartAsync(["alice@acme.test"]);

    public async Task DisposeAsync() => await _wiki.DisposeAsync();

    [Fact]
    public async Task A_code_is_stored_with_its_content_and_only_a_hash_of_its_handle_and_is_marked_redeemed_when_used()
    {
        using var browser = new Browser { StopAt = AcmeWikiHost.Callback };
        var flow = _wiki.NewFlow();
        var code = CodeFlow.ReadCallback(await browser.SignInAsync(await browser.OpenAsync(flow.AuthorizeUri()), "alice@acme.test")).Code;
        Assert.NotNull(code);

        var issued = await CodeRowAsync(code!);
        Assert.Equal(Statuses.Valid, issued.Status);
        Assert.NotEqual(code, issued.ReferenceId);
        Assert.DoesNotContain(code!, issued.Payload);
        Assert.False(string.IsNullOrEmpty(issued.Payload));
        Assert.Equal(AcmeWikiHost.ClientId, issued.Application?.ClientId);
        Assert.NotNull(issued.Authorization);
        Assert.Equal(1, await RowsOfAuthorizationAsync(issued.Authorization!.Id!));

        var (status, _) = await flow.RedeemAsync(code!);
        Assert.Equal(200, status);
        Assert.Equal(Statuses.Redeemed, (await CodeRowAsync(code!)).Status);
    }

    /// <summary>
    /// The token manager no longer looks for a row with the same handle before inserting one
    /// (docs/performance.md): the database's unique index must refuse it, and leave the first row as it was.
    /// </summary>
    [Fact]
    public async Task A_row_whose_handle_is_taken_is_refused_and_the_first_row_still_answers_to_it()
    {
        var handle = Guid.NewGuid().ToString("N");
        var first = await CreateCodeRowAsync(handle, "first-subject");
        await Assert.ThrowsAsync<DbUpdateException>(() => CreateCodeRowAsync(handle, "second-subject"));

        await using var scope = _wiki.Idp.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var found = Assert.IsType<OpenIddictEntityFrameworkCoreToken>(await tokens.FindByReferenceIdAsync(handle));
        Assert.Equal((first, "first-subject"), (found.Id, found.Subject));
    }

    private async Task<string> CreateCodeRowAsync(string handle, string subject)
    {
        await using var scope = _wiki.Idp.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var row = await tokens.CreateAsync(new OpenIddictTokenDescriptor
        {
            ReferenceId = handle,
            Subject = subject,
            Type = TokenTypeIdentifiers.Private.AuthorizationCode,
            Status = Statuses.Valid,
            CreationDate = DateTimeOffset.UtcNow,
            ExpirationDate = DateTimeOffset.UtcNow.AddMinutes(2),
        });
        return Assert.IsType<OpenIddictEntityFrameworkCoreToken>(row).Id!;
    }

    /// <summary>The code's row, found the way the token endpoint finds it: by the handle the app presents.</summary>
    private async Task<OpenIddictEntityFrameworkCoreToken> CodeRowAsync(string code)
    {
        await using var scope = _wiki.Idp.Services.CreateAsyncScope();
        var tokens = scope.ServiceProvider.GetRequiredService<IOpenIddictTokenManager>();
        var row = Assert.IsType<OpenIddictEntityFrameworkCoreToken>(await tokens.FindByReferenceIdAsync(code));
        Assert.Equal(TokenTypeIdentifiers.Private.AuthorizationCode, row.Type);
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        return await db.Set<OpenIddictEntityFrameworkCoreToken>().AsNoTracking()
            .Include(t => t.Application).Include(t => t.Authorization)
            .SingleAsync(t => t.Id == row.Id);
    }

    /// <summary>Before redemption, the sign-in's authorization holds the code's row and nothing else.</summary>
    private async Task<int> RowsOfAuthorizationAsync(string authorizationId)
    {
        await using var scope = _wiki.Idp.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        return await db.Set<OpenIddictEntityFrameworkCoreToken>().AsNoTracking().CountAsync(t => t.Authorization!.Id == authorizationId);
    }
}
