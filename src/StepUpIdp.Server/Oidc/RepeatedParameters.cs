using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Refuses a protocol request that names a parameter twice (RFC 6749 section 3.1: "Request and response parameters
/// MUST NOT be included more than once"). OpenIddict keeps both values, and a repeated <c>state</c>, <c>nonce</c> or
/// <c>scope</c> then reads as absent: the app would get no state back, an ID token without its nonce, or no ID token at
/// all. Only <c>resource</c> and <c>audience</c> may repeat (RFC 8707, RFC 8693). docs/relying-party.md, "Protocol
/// details".
/// </summary>
public sealed class RepeatedParameters<TContext> : IOpenIddictServerHandler<TContext> where TContext : BaseValidatingContext
{
    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<TContext>()
            .UseSingletonHandler<RepeatedParameters<TContext>>()
            .SetOrder(int.MinValue + 50_000) // before OpenIddict's own checks of the parameters
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(TContext context)
    {
        if (context.Transaction.Request is { } request && RepeatedParameter.In(request) is { } name)
        {
            context.Reject(Errors.InvalidRequest, $"The '{name}' parameter must not be sent more than once.");
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>The rule <see cref="RepeatedParameters{TContext}"/> applies, apart from OpenIddict's plumbing.</summary>
public static class RepeatedParameter
{
    private static readonly HashSet<string> MayRepeat = new(StringComparer.Ordinal) { Parameters.Resource, Parameters.Audience };

    /// <summary>The first parameter of <paramref name="request"/> given more than once (and allowed only once), or null.</summary>
    public static string? In(OpenIddictMessage request) =>
        request.GetParameters().Where(p => p.Value.Count > 1 && !MayRepeat.Contains(p.Key)).Select(p => p.Key).FirstOrDefault();

    /// <summary>Every validating event of a request whose parameters come from the client.</summary>
    public static IEnumerable<OpenIddictServerHandlerDescriptor> Descriptors =>
    [
        RepeatedParameters<ValidateAuthorizationRequestContext>.Descriptor,
        RepeatedParameters<ValidateTokenRequestContext>.Descriptor,
        RepeatedParameters<ValidateEndSessionRequestContext>.Descriptor,
        RepeatedParameters<ValidateIntrospectionRequestContext>.Descriptor,
        RepeatedParameters<ValidateRevocationRequestContext>.Descriptor,
        RepeatedParameters<ValidateUserInfoRequestContext>.Descriptor,
    ];
}
