using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using OpenIddict.Server.AspNetCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.ApiTokens;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.ApiTokens;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Oidc;
using StepUpIdp.Server.Tenancy;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.ApiTokens;

/// <summary>
/// RFC 8693 token exchange of a personal API token (<c>subject_token_type=urn:stepupidp:token-type:api-token</c>)
/// at the token endpoint. OpenIddict has authenticated the client and checked the request's shape; it does not
/// read the API token (<see cref="SkipApiTokenSubjectValidation"/>). Here the facts are read fresh and
/// <see cref="ApiTokenRules.CheckExchange"/> decides, so a policy or role change applies at the next exchange.
/// </summary>
public sealed partial class ApiTokenExchange(
    StepUpDbContext db,
    AccountDirectory directory,
    ExternalPolicyStore policies,
    TokenPrincipalFactory tokens,
    AuditLog audit,
    ApiTokenUsage usage,
    IOpenIddictApplicationManager applications,
    IOptions<ApiTokenOptions> options,
    TimeProvider clock,
    ILogger<ApiTokenExchange> logger)
{
    /// <summary>Refused after the rules passed: the owner holds no role on the exchanging app (like a refresh).</summary>
    public const string NoAccessRule = "no_access";

    /// <summary>The token endpoint's branch for the token-exchange grant.</summary>
    public static Task<IResult> HandleAsync(HttpContext http, OpenIddictRequest request, OrganisationApp app) =>
        http.RequestServices.GetRequiredService<ApiTokenExchange>().ExchangeAsync(request, app, http.RequestAborted);

    public async Task<IResult> ExchangeAsync(OpenIddictRequest request, OrganisationApp app, CancellationToken cancellationToken)
    {
        // OpenIddict only lets our subject token type through, but fail closed if that ever changes.
        if (request.SubjectTokenType != ApiTokenOptions.SubjectTokenType)
        {
            return OidcResults.Error(Errors.InvalidRequest, "The subject_token_type is not supported.");
        }

        // Its access token carries no scope (docs/api-tokens.md): asking for one is a mistake worth naming.
        if (!string.IsNullOrEmpty(request.Scope))
        {
            return OidcResults.Error(Errors.InvalidScope, "An API-token exchange issues an access token without scopes; send no 'scope'.");
        }

        // The relying API proves who it is; a public client could be anyone holding a leaked token.
        var client = await applications.FindByClientIdAsync(app.ClientId, cancellationToken);
        if (client is null || !await applications.HasClientTypeAsync(client, ClientTypes.Confidential, cancellationToken))
        {
            return OidcResults.Error(Errors.UnauthorizedClient, "Only a confidential client may exchange API tokens.");
        }

        var now = clock.GetUtcNow();
        var (decision, token, subject, policy) = await DecideAsync(request.SubjectToken, app, now, cancellationToken);
        var auditOrg = token?.OrganisationId ?? app.OrganisationId;
        if (decision is ApiTokenDecision.Refused refused)
        {
            ExchangeRefused(logger, token?.Id, app.ClientId, refused.Rule);
            await audit.WriteAsync(new AuditEvent(auditOrg, AuditActions.ApiTokenRefused, AuditOutcomes.Denied,
                ActorId: app.ClientId, SubjectId: token?.Id, Detail: $"{refused.Rule}: {refused.Description}{Under(policy)}"), cancellationToken);
            return OidcResults.Error(Errors.InvalidGrant, refused.Description);
        }

        usage.Record(token!.Id, now);
        await audit.WriteAsync(new AuditEvent(auditOrg, AuditActions.ApiTokenExchanged, AuditOutcomes.Success,
            ActorId: app.ClientId, SubjectId: token.Id, Detail: $"account {token.AccountId}{Under(policy)}"), cancellationToken);

        // Never past the API token's own expiry: a token exchanged in its last minutes must not outlive it.
        var lifetime = TimeSpan.FromMinutes(options.Value.AccessTokenLifetimeMinutes);
        var remaining = ApiTokenRules.EndOf(token.CreatedAt, token.ExpiresAt, policy!.Policy) - now;
        var principal = tokens.ForApiToken(subject!, app, token.Id, remaining < lifetime ? remaining : lifetime);
        return Results.SignIn(principal, properties: null, OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static string Under(ScopedExternalPolicy? policy) => policy is null ? string.Empty : $" (under the {policy.Describe()})";

    /// <summary>The presented token's row; read on every exchange, so compiled once (docs/performance.md).</summary>
    private static readonly PerModelCompiledQuery<Func<StepUpDbContext, string, CancellationToken, Task<ApiToken?>>> TokenById =
        new(() => EF.CompileAsyncQuery((StepUpDbContext db, string id, CancellationToken _) => db.ApiTokens.AsNoTracking().SingleOrDefault(t => t.Id == id)));

    private async Task<(ApiTokenDecision Decision, ApiToken? Token, SubjectFacts? Subject, ScopedExternalPolicy? Policy)> DecideAsync(
        string? presented, OrganisationApp app, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var notFound = new ApiTokenFacts { Now = now, Policy = app.DefaultPolicy, TokenOrg = app.OrganisationId, ClientOrg = app.OrganisationId };

        var secret = ApiTokenSecret.TryParse(presented);
        var token = secret is null ? null : await TokenById.For(db)(db, secret.Id, cancellationToken);
        if (token is null || !secret!.Matches(token.SecretHash))
        {
            return (ApiTokenRules.CheckExchange(notFound), null, null, null);
        }

        var subject = await directory.DescribeAsync(token.AccountId, app, cancellationToken);
        // The token's org is nearly always the client's, whose verified domains came with the app (as cached, docs/performance.md).
        var tokenOrgDomains = token.OrganisationId == app.OrganisationId
            ? app.VerifiedDomains
            : await db.Organisations.AsNoTracking().Where(o => o.Id == token.OrganisationId)
                .Select(o => o.VerifiedDomains.Select(d => d.Domain).ToList()).SingleOrDefaultAsync(cancellationToken);
        if (subject is null || tokenOrgDomains is null)
        {
            // The account or org is gone: the token is as good as unknown.
            return (ApiTokenRules.CheckExchange(notFound), token, null, null);
        }

        // The owner's policy in the token's org, resolved now (pilot, domain or default): a change counts at once.
        var policy = token.OrganisationId == app.OrganisationId
            ? subject.ExternalPolicy
            : (await policies.ForAccountAsync(token.OrganisationId, token.AccountId, subject.IsGuest, cancellationToken))!;
        var facts = new ApiTokenFacts
        {
            Now = now,
            TokenFound = true,
            Revoked = token.RevokedAt is not null,
            ExpiresAt = token.ExpiresAt,
            CreatedAt = token.CreatedAt,
            AccountLocked = subject.IsLocked,
            IsGuest = subject.IsGuest,
            // The owner's type for the token's org, decided now: its domains may have changed since creation.
            UserType = AccountClassifier.Classify(subject.Email, tokenOrgDomains, subject.IsGuest),
            Policy = policy.Policy,
            TokenOrg = token.OrganisationId,
            ClientOrg = app.OrganisationId,
        };

        var decision = ApiTokenRules.CheckExchange(facts);
        if (decision is ApiTokenDecision.Allowed && subject.Role is null)
        {
            decision = new ApiTokenDecision.Refused(NoAccessRule, "The account that owns the API token has no access to this application.");
        }

        return (decision, token, subject, policy);
    }

    // The token id is a lookup key, not a secret; the secret never reaches a log.
    [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "API-token exchange refused for token {TokenId} by client {ClientId}: {Rule}.")]
    private static partial void ExchangeRefused(ILogger logger, string? tokenId, string clientId, string rule);
}

/// <summary>
/// OpenIddict's token-exchange support validates the subject token as one of its own tokens (JWT or
/// reference) and would reject an API token. For our subject token type this handler, running right after
/// <c>EvaluateValidatedTokens</c>, tells OpenIddict not to extract, require or validate the subject token;
/// <see cref="ApiTokenExchange"/> checks it instead. Every other check (client authentication, grant-type
/// permission, parameter shape) still runs.
/// </summary>
public sealed class SkipApiTokenSubjectValidation : IOpenIddictServerHandler<OpenIddictServerEvents.ProcessAuthenticationContext>
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<OpenIddictServerEvents.ProcessAuthenticationContext>()
            .UseSingletonHandler<SkipApiTokenSubjectValidation>()
            .SetOrder(OpenIddictServerHandlers.EvaluateValidatedTokens.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(OpenIddictServerEvents.ProcessAuthenticationContext context)
    {
        if (context.EndpointType == OpenIddictServerEndpointType.Token
            && context.Request.IsTokenExchangeGrantType()
            && context.Request.SubjectTokenType == ApiTokenOptions.SubjectTokenType)
        {
            context.ExtractSubjectToken = false;
            context.RequireSubjectToken = false;
            context.ValidateSubjectToken = false;
            context.RejectSubjectToken = false;
        }

        return ValueTask.CompletedTask;
    }
}
