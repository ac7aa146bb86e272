using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.Server;

namespace StepUpIdp.Server.Health;

/// <summary>
/// Ready only with a signing key that can sign now: at least one signing credential whose key holds its private part
/// and, for a certificate, one that is inside its validity period (docs/operations.md).
/// </summary>
public sealed class SigningKeysHealthCheck(IOptionsMonitor<OpenIddictServerOptions> server, TimeProvider clock) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var usable = server.CurrentValue.SigningCredentials.Any(credentials => CanSign(credentials.Key, now));
        return Task.FromResult(usable
            ? HealthCheckResult.Healthy()
            : new HealthCheckResult(context.Registration.FailureStatus, "No signing key can sign tokens."));
    }

    private static bool CanSign(SecurityKey key, DateTimeOffset now) => key switch
    {
        X509SecurityKey certificate => certificate.PrivateKeyStatus != PrivateKeyStatus.DoesNotExist
            && certificate.Certificate.NotBefore <= now.UtcDateTime && now.UtcDateTime < certificate.Certificate.NotAfter,
        AsymmetricSecurityKey asymmetric => asymmetric.PrivateKeyStatus != PrivateKeyStatus.DoesNotExist,
        SymmetricSecurityKey symmetric => symmetric.KeySize > 0,
        _ => false,
    };
}
