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
                .UseScopedHandler<ChooseId>()
                .SetOrder(OpenIddictServerHandlers.Protection.CreateTokenEntry.Descriptor.Order - 100)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(GenerateTokenContext context)
        {
            // Only the case OpenIddict itself would write twice: a stored reference code with its content.
            if (context.TokenType != TokenTypeIdentifiers.Private.AuthorizationCode || context.Options.DisableTokenStorage
                || !context.CreateTokenEntry || !context.IsReferenceToken || !context.PersistTokenPayload)
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
            context.Transaction.SetProperty(PendingRow, row);

            // OpenIddict's own create and update are not needed: InsertRow writes the row once the code exists.
            context.CreateTokenEntry = false;
            context.PersistTokenPayload = false;
        }
    }

    /// <summary>Inserts the prepared row with the code's content and the hash of a fresh handle; the app receives the handle.</summary>
    public sealed class InsertRow(IOpenIddictTokenManager tokens) : IOpenIddictServerHandler<GenerateTokenContext>
    {
        public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
            OpenIddictServerHandlerDescriptor.CreateBuilder<GenerateTokenContext>()
                .UseScopedHandler<InsertRow>()
                .SetOrder(OpenIddictServerHandlers.Protection.AttachTokenPayload.Descriptor.Order + 100)
                .SetType(OpenIddictServerHandlerType.Custom)
                .Build();

        public async ValueTask HandleAsync(GenerateTokenContext context)
        {
            if (context.Transaction.GetProperty<OpenIddictEntityFrameworkCoreToken>(PendingRow) is not { } row)
            {
                return;
            }

            context.Transaction.SetProperty<OpenIddictEntityFrameworkCoreToken>(PendingRow, null);
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
