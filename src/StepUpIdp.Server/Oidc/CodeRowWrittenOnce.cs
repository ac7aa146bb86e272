using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Abstractions;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// An authorization code is a reference token: the app gets a random handle, the IdP keeps the code's content in the
/// code's row. OpenIddict inserts that row empty (its id goes into the content), then updates it with the content and
/// the handle: two writes for one row. Here the id is chosen before the content is made, and the row is inserted once,
/// complete, by OpenIddict's own token manager (which stores only a hash of the handle, as before). Single use,
/// redemption and revocation read the same row as before (docs/performance.md, "Authorization codes: one write").
/// </summary>
public static class CodeRowWrittenOnce
{
    private const string PendingRow = "stepupidp:code-row";

    /// <summary>Both halves, registered together: the first runs before OpenIddict would create the row, the second where it would fill it.</summary>
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors =>
        [ChooseId.Descriptor, InsertRow.Descriptor];

    /// <summary>Prepares the row with a fresh id, puts the id into the code's content, and stands in for OpenIddict's two writes.</summary>
    public sealed class ChooseId(IOpenIddictApplicationManager applications, IOpenIddictTokenManager tokens)
        : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                // OpenIddict's own conditions for creating a row and storing a payload: only then is there anything to stand in for.
                .AddFilter<OpenIddictServerHandlerFilters.RequireDegradedModeDisabled>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireTokenStorageEnabled>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireTokenEntryCreated>()
                .AddFilter<OpenIddictServerHandlerFilters.RequireTokenPayloadPersisted>()
                .UseScopedHandler<ChooseId>()
                .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 100)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(GenerateTokenContext context)
        {
            // Of the tokens OpenIddict would create a row for and then fill, only codes (reference tokens) are ours.
            if (context.TokenType != TokenTypeIdentifiers.Private.AuthorizationCode || !context.IsReferenceToken)
            {
                return;
            }

            // What OpenIddict's CreateTokenEntry records for a code.
            var descriptor = new OpenIddictTokenDescriptor
            {
                AuthorizationId = context.Principal.GetAuthorizationId(),
                CreationDate = context.Principal.GetCreationDate(),
                ExpirationDate = context.Principal.GetExpirationDate(),
                Principal = context.Principal,
                Status = Statuses.Valid,
                Subject = context.Principal.GetClaim(Claims.Subject),
                Type = context.TokenType,
            };
            if (!string.IsNullOrEmpty(context.ClientId))
            {
                var application = await applications.FindByClientIdAsync(context.ClientId, context.CancellationToken)
                    ?? throw new InvalidOperationException("The client of an authorization code must be registered.");
                descriptor.ApplicationId = await applications.GetIdAsync(application, context.CancellationToken);
            }

            var row = new OpenIddictEntityFrameworkCoreToken { Id = Guid.NewGuid().ToString() };
            await tokens.PopulateAsync(row, descriptor, context.CancellationToken);
            context.Principal.SetTokenId(row.Id);
            context.Transaction.SetProperty(PendingRow, new PendingCodeRow(row, tokens));

            // OpenIddict's own create and update are not needed: InsertRow writes the row once the code exists.
            context.CreateTokenEntry = false;
            context.PersistTokenPayload = false;
        }
    }

    /// <summary>The row <see cref="ChooseId"/> prepared, with the request's token manager that will insert it.</summary>
    private sealed record PendingCodeRow(OpenIddictEntityFrameworkCoreToken Row, IOpenIddictTokenManager Tokens);

    /// <summary>
    /// Inserts the prepared row with the code's content and the hash of a fresh handle; the app receives the handle. It runs
    /// for every token OpenIddict generates, so it is a singleton that only looks for a prepared row: nothing is resolved
    /// from the request's services for the access, ID and refresh tokens.
    /// </summary>
    public sealed class InsertRow : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                .UseSingletonHandler<InsertRow>()
                .SetOrder(OpenIddictServerHandlers.Protection.AttachTokenPayload.Descriptor.Order + 100)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (context.Transaction.GetProperty<PendingCodeRow>(PendingRow) is not { } pending)
            {
                return;
            }

            var (row, tokens) = pending;
            context.Transaction.SetProperty<PendingCodeRow>(PendingRow, null);
            if (string.IsNullOrEmpty(context.Token) || row.Id != context.Principal.GetTokenId())
            {
                throw new InvalidOperationException("The authorization code was not generated for the prepared row.");
            }

            // As OpenIddict does: a base64url 256-bit handle; the manager stores only its hash.
            var handle = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(32));
            row.Payload = context.Token;
            row.ReferenceId = handle;
            await tokens.CreateAsync(row, context.CancellationToken);
            context.Token = handle;
        }
    }
}
