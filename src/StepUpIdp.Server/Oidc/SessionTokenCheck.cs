using Microsoft.Extensions.Options;
using StackExchange.Redis;
using StepUpIdp.Domain.Verification;
using StepUpIdp.Infrastructure.Redis;
using StepUpIdp.Server.Hosting;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Oidc;

/// <summary>
/// At the token endpoint, judges a code or refresh token by the sign-in session it came from (docs/sessions.md):
/// the session must still exist (not signed out, ended, or timed out; each use counts as activity), the app's org
/// must not have ended the person's access since, and under the external-user policy a verification made in that
/// session must still count under the policy in force now (at a code's redemption as at every refresh).
/// </summary>
public sealed class SessionTokenCheck(SignInSessions sessions, IConnectionMultiplexer redis, IOptions<IdpOptions> options, TimeProvider clock)
{
    public abstract record Result
    {
        private Result()
        {
        }

        public sealed record Valid(VerificationStatus? Verification) : Result;

        public sealed record Refused(string Description) : Result;

        public sealed record Unavailable : Result;
    }

    public async Task<Result> CheckAsync(
        string accountId, AuthenticationState authentication, OrganisationApp app, Domain.Policy.ExternalUserPolicy policy, bool policyApplies,
        bool isRefresh, HttpContext http)
    {
        if (authentication.SessionId is not { } sessionId)
        {
            return new Result.Refused("The token comes from an earlier version's sign-in. Sign in again to continue.");
        }

        if (authentication.OfflineSession)
        {
            return CheckOffline(authentication, policyApplies);
        }

        Domain.Sessions.SignInSession? session;
        try
        {
            session = await sessions.TouchAsync(accountId, sessionId, http);
        }
        catch (VerificationStoreUnavailableException)
        {
            // Whether the session was ended cannot be told: fail closed (docs/sessions.md, "When Redis is down").
            return new Result.Unavailable();
        }

        if (session is null)
        {
            return new Result.Refused("The sign-in session this token came from has ended. Sign in again to continue.");
        }

        if (session.AccessEndedFor(app.OrganisationId, authentication.AuthTime))
        {
            return new Result.Refused($"An administrator of {app.OrganisationName} ended this access. Sign in again to continue.");
        }

        if (!policyApplies)
        {
            return new Result.Valid(null);
        }

        // An external user's code or refresh token works only while a verification made in its session counts, judged
        // under the person's policy in force now: an interval shortened (or a verification reset) between the
        // authorization and the code's redemption takes effect at once too. A code belongs to the sign-in that verified,
        // so under PT0S its own verification counts (the interaction began no later than it); a refresh has none.
        var interactionStartedAt = isRefresh ? null : authentication.VerifiedAt;
        var status = ReverificationSchedule.EvaluateBest(policy, session.VerificationsFor(app.OrganisationId), clock.GetUtcNow(), interactionStartedAt);
        if (status is not VerificationStatus.Counting)
        {
            return new Result.Refused($"Re-verification is due: {app.OrganisationName} asks external users to verify again. Sign in again to continue.");
        }

        // A code keeps what its authorization decided (acr, verified_at, reverify_at); a refresh takes the verification
        // that counts now.
        return new Result.Valid(isRefresh ? status : null);
    }

    /// <summary>
    /// A token from an offline session works only while Redis is still unreachable, within the offline lifetime, and
    /// where no verification is needed: once Redis is back the person signs in to a real session.
    /// </summary>
    private Result CheckOffline(AuthenticationState authentication, bool policyApplies)
    {
        if (policyApplies)
        {
            return new Result.Unavailable();
        }

        if (redis.IsConnected || clock.GetUtcNow() >= authentication.AuthTime + TimeSpan.FromMinutes(options.Value.OfflineSessionMinutes))
        {
            return new Result.Refused("The sign-in session this token came from has ended. Sign in again to continue.");
        }

        return new Result.Valid(null);
    }
}
