using StepUpIdp.Infrastructure.Secrets;

namespace StepUpIdp.Infrastructure.ApiTokens;

/// <summary>
/// The presented form of an API token: <c>sut_{id}_{secret}</c>, an <see cref="OpaqueSecret"/> (only SHA-256 of the
/// secret is stored, compared in constant time). The <c>sut_</c> prefix lets secret scanners recognise a leaked token.
/// </summary>
public sealed class ApiTokenSecret
{
    public const string Prefix = "sut_";
    public const int IdLength = OpaqueSecret.IdLength;
    private const char Separator = '_';

    private readonly OpaqueSecret secret;

    private ApiTokenSecret(OpaqueSecret secret) => this.secret = secret;

    public string Id => secret.Id;

    /// <summary>The full token to hand to the account, once.</summary>
    public string Presented => secret.Presented;

    public byte[] Hash() => secret.Hash();

    public static ApiTokenSecret Create() => new(OpaqueSecret.Create(Prefix, Separator));

    /// <summary>Reads a presented token; null for anything that does not have exactly our shape.</summary>
    public static ApiTokenSecret? TryParse(string? presented) =>
        OpaqueSecret.TryParse(presented, Prefix, Separator) is { } secret ? new ApiTokenSecret(secret) : null;

    public bool Matches(byte[] storedHash) => secret.Matches(storedHash);

    public override string ToString() => secret.ToString();
}
