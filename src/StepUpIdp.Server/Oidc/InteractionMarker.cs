using System.Globalization;
using Microsoft.AspNetCore.DataProtection;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Marks an authorization request that the IdP sent through an interaction (sign-in, passcode) with
/// the time that interaction began. It lets <c>prompt=login</c> and <c>max_age=0</c> be satisfied by
/// the sign-in they asked for instead of looping (OIDC Core 3.1.2.1), and lets a "verify at every
/// sign-in" policy count the passcode entered during this very request. Protected, so a user cannot
/// forge an older start to skip a fresh sign-in, and bound to the request's client and state so a
/// marker cannot be carried over to another request.
/// </summary>
public sealed class InteractionMarker(IDataProtectionProvider protection, TimeProvider clock)
{
    public const string Parameter = "stepup_interaction";
    private static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(30);
    private readonly IDataProtector _protector = protection.CreateProtector("StepUpIdp.Oidc.InteractionMarker.v1");

    public string Create(DateTimeOffset startedAt, string? clientId, string? state) =>
        _protector.Protect(string.Join('\n', startedAt.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture), clientId, state));

    /// <summary>The start of the interaction, or null when the marker is absent, forged or stale.</summary>
    public DateTimeOffset? Read(string? marker, string? clientId, string? state)
    {
        if (string.IsNullOrEmpty(marker) || marker.Length > 1024)
        {
            return null;
        }

        try
        {
            var payload = _protector.Unprotect(marker).Split('\n');
            if (payload.Length != 3 || payload[1] != (clientId ?? string.Empty) || payload[2] != (state ?? string.Empty)
                || !long.TryParse(payload[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
            {
                return null;
            }

            var startedAt = DateTimeOffset.FromUnixTimeMilliseconds(ms);
            var age = clock.GetUtcNow() - startedAt;
            return age >= TimeSpan.Zero && age <= MaxAge ? startedAt : null;
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            return null;
        }
    }
}
