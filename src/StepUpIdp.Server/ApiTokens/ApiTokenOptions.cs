using System.ComponentModel.DataAnnotations;

namespace StepUpIdp.Server.ApiTokens;

/// <summary>Bound from the <c>ApiTokens</c> section; validated at start-up (docs/api-tokens.md).</summary>
public sealed class ApiTokenOptions
{
    public const string Section = "ApiTokens";

    /// <summary>RFC 8693 <c>subject_token_type</c> of a personal API token.</summary>
    public const string SubjectTokenType = "urn:stepupidp:token-type:api-token";

    /// <summary>Lifetime of an access token obtained by exchanging an API token: short, so rule changes bite quickly.</summary>
    [Range(1, 60)]
    public int AccessTokenLifetimeMinutes { get; set; } = 10;

    /// <summary>How often each node writes the last-used times it collected.</summary>
    [Range(1, 3600)]
    public int LastUsedFlushSeconds { get; set; } = 30;
}
