using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using OpenIddict.Server;
using OpenIddict.Abstractions;
using StepUpIdp.Domain.Claims;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Hosting;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Oidc;

public static class OidcServiceCollectionExtensions
{
    public const string AuthorizePath = "/connect/authorize";
    public const string TokenPath = "/connect/token";
    public const string UserInfoPath = "/connect/userinfo";
    public const string EndSessionPath = "/connect/endsession";
    public const string IntrospectionPath = "/connect/introspect";
    public const string RevocationPath = "/connect/revoke";

    /// <summary>OpenIddict server, with the EF Core stores and local token validation for the IdP's own APIs.</summary>
    public static IServiceCollection AddStepUpOidc(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment, string dataPath)
    {
        var idp = configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();
        var (signingKeys, encryptionKey) = TokenKeys.Load(configuration, environment, dataPath);

        services.AddOpenIddict()
            .AddCore(core =>
            {
                core.UseEntityFrameworkCore().UseDbContext<StepUpDbContext>();
                core.ReplaceApplicationManager(typeof(SecretCachingApplications<>));
                core.ReplaceTokenManager(typeof(StepUpTokenManager<>));
            })
            .AddServer(server =>
            {
                if (idp.Issuer is not null)
                {
                    server.SetIssuer(idp.Issuer);
                }

                server.SetAuthorizationEndpointUris(AuthorizePath)
                    .SetTokenEndpointUris(TokenPath)
                    .SetUserInfoEndpointUris(UserInfoPath)
                    .SetEndSessionEndpointUris(EndSessionPath)
                    .SetIntrospectionEndpointUris(IntrospectionPath)
                    .SetRevocationEndpointUris(RevocationPath)
                    .SetJsonWebKeySetEndpointUris(JsonWebKeySetDocument.EndpointPath);

                server.AllowAuthorizationCodeFlow()
                    .AllowRefreshTokenFlow()
                    .AllowClientCredentialsFlow();

                // OAuth 2.1: PKCE for every authorization code request, public and confidential clients alike.
                server.RequireProofKeyForCodeExchange();
                server.Configure(options => options.CodeChallengeMethods.Remove(CodeChallengeMethods.Plain));

                // Apps authenticate with a client secret (basic or post) or not at all: no app can register a key set, so
                // private_key_jwt is neither advertised (RFC 8414 section 2 would also want its signing algorithms) nor
                // accepted; a client_assertion is invalid_client (docs/relying-party.md, "Protocol details").
                server.Configure(options =>
                {
                    options.ClientAuthenticationMethods.Remove(ClientAuthenticationMethods.PrivateKeyJwt);
                    options.ClientAssertionTypes.Remove(ClientAssertionTypes.JwtBearer);
                });

                // Only the prompt values the sign-in actually honours are advertised and accepted (OIDC Core 3.1.2.1):
                // there is no consent screen and no account chooser.
                server.Configure(options =>
                {
                    options.PromptValues.Remove(PromptValues.Consent);
                    options.PromptValues.Remove(PromptValues.SelectAccount);
                });

                server.RegisterScopes([Scopes.OpenId, Scopes.Profile, Scopes.Email, Scopes.OfflineAccess, .. StepUpScopes.All]);
                server.RegisterClaims([
                    Claims.Subject, Claims.Name, Claims.Email, Claims.EmailVerified,
                    Claims.AuthenticationContextReference, Claims.AuthenticationMethodReference, Claims.AuthenticationTime, SessionClaims.SessionId,
                ]);

                server.SetAccessTokenLifetime(TimeSpan.FromMinutes(idp.AccessTokenLifetimeMinutes))
                    .SetRefreshTokenLifetime(TimeSpan.FromDays(idp.RefreshTokenLifetimeDays))
                    .SetAuthorizationCodeLifetime(TimeSpan.FromMinutes(2));

                // The first signing key signs; the others (next, previous) are only published in the JWKS. OpenIddict keeps
                // the order of raw keys, and a test checks which kid tokens carry.
                foreach (var signingKey in signingKeys)
                {
                    server.AddSigningKey(signingKey);
                }

                server.AddEncryptionKey(encryptionKey);

                // Codes and refresh tokens, read only by the IdP, take symmetric keys; access and ID tokens stay RSA.
                var serverTokens = ServerTokenProtection.Create(signingKeys[0], encryptionKey);
                server.AddSigningKey(serverTokens.Signing);
                server.AddEncryptionKey(serverTokens.Encryption);
                server.AddEventHandler(serverTokens.Handler);

                // Access tokens are signed JWTs (RFC 9068 style) so relying APIs can validate them with the JWKS.
                server.DisableAccessTokenEncryption();

                foreach (var handler in RepeatedParameter.Descriptors.Concat(PkceFormat.Descriptors).Concat(ScopePermissions.Descriptors).Concat(OneClientPerRequest.Descriptors))
                {
                    server.AddEventHandler(handler);
                }

                foreach (var replaced in ScopePermissions.Replaced)
                {
                    server.RemoveEventHandler(replaced);
                }

                server.AddEventHandler(RefuseInvalidLogoutHint.Descriptor);
                server.AddEventHandler(SignInAuthorizationCheck.ForServer.Descriptor);
                server.AddEventHandler(NarrowedRefreshAudiences.Descriptor);
                server.AddEventHandler(ScopeBeyondGrant.Descriptor);
                server.AddEventHandler(RegistrationParameter.Descriptor);
                server.AddEventHandler(BodylessUserInfoPost.Descriptor);
                server.AddEventHandler(BearerTokenSentOnce.Descriptor);
                server.AddEventHandler(HostErrorsWithoutForeignUri.Descriptor);
                server.AddEventHandler(InactiveForUnsupportedTokens.Descriptor);
                server.AddEventHandler(RedirectedAuthorizationErrors.Descriptor);
                server.AddEventHandler(DiscoveryMetadataHandler.Descriptor);
                server.AddEventHandler(SkipTokenEntryForJwts.Descriptor);
                foreach (var handler in CodeRowWrittenOnce.Descriptors)
                {
                    server.AddEventHandler(handler);
                }

                var aspNetCore = server.UseAspNetCore()
                    .EnableAuthorizationEndpointPassthrough()
                    .EnableTokenEndpointPassthrough()
                    .EnableUserInfoEndpointPassthrough()
                    .EnableEndSessionEndpointPassthrough()
                    .EnableStatusCodePagesIntegration();
                if (!idp.RequireHttps)
                {
                    aspNetCore.DisableTransportSecurityRequirement();
                }
            })
            .AddValidation(validation =>
            {
                validation.UseLocalServer();
                // The IdP's own APIs take only access tokens issued for them (docs/security.md).
                validation.AddAudiences(IdpApi.Audience);
                // ... and only while their sign-in's authorization stands: a replayed code revokes it (docs/sessions.md).
                validation.AddEventHandler(SignInAuthorizationCheck.ForValidation.Descriptor);
                validation.UseAspNetCore();
            });

        // OpenIddict's events go to handler lists built once per event type (docs/performance.md). The service
        // collection is read when the table is first used, after every registration has been made.
        services.AddSingleton(_ => new SingletonServiceTypes(services));
        services.AddSingleton<ServerHandlerTable>();
        services.Replace(ServiceDescriptor.Scoped<IOpenIddictServerDispatcher, TabledServerDispatcher>());

        services.AddOptions<ClientSecretCacheOptions>().Bind(configuration.GetSection(ClientSecretCacheOptions.Section))
            .ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<VerifiedClientSecrets>();
        services.AddHttpContextAccessor();
        services.AddSingleton<JsonWebKeySetDocument>();
        services.AddSingleton<InteractionMarker>();
        services.AddScoped<TokenPrincipalFactory>();
        return services;
    }

    public static IEndpointRouteBuilder MapStepUpOidc(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapMethods(AuthorizePath, [HttpMethods.Get, HttpMethods.Post], (Delegate)AuthorizeEndpoint.HandleAsync).DisableAntiforgery();
        endpoints.MapPost(TokenPath, TokenEndpoint.HandleAsync).DisableAntiforgery();
        endpoints.MapMethods(UserInfoPath, [HttpMethods.Get, HttpMethods.Post], (Delegate)UserInfoEndpoint.HandleAsync).DisableAntiforgery();
        endpoints.MapMethods(EndSessionPath, [HttpMethods.Get, HttpMethods.Post], (Delegate)EndSessionEndpoint.HandleAsync).DisableAntiforgery();
        return endpoints;
    }
}
