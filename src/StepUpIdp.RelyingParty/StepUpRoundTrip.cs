using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// What a step-up asked the IdP for, carried in the authorization request's protected <c>state</c>, and whether the
/// IdP's answer meets it. An answer that does not would be asked for again on the next request, and again: the
/// person would go round between the app and the IdP for ever (a level they cannot reach, a clock that differs).
/// </summary>
internal static class StepUpRoundTrip
{
    private const string AcrItem = "StepUpIdp.AcrValues";
    private const string MaxAgeItem = "StepUpIdp.MaxAge";
    private const string ReverificationItem = "StepUpIdp.Reverification";

    public static void Record(AuthenticationProperties properties, StepUpChallenge challenge, bool reverification)
    {
        Forget(properties);
        if (challenge.AcrValues is { } acr)
        {
            properties.Items[AcrItem] = acr;
        }

        if (challenge.MaxAge is { } age)
        {
            properties.Items[MaxAgeItem] = ((long)age.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        }

        if (reverification)
        {
            properties.Items[ReverificationItem] = "true";
        }
    }

    public static bool WasAsked(AuthenticationProperties properties) =>
        properties.Items.ContainsKey(AcrItem) || properties.Items.ContainsKey(MaxAgeItem) || properties.Items.ContainsKey(ReverificationItem);

    /// <summary>Drops the record, so that the session's own properties do not carry it.</summary>
    public static void Forget(AuthenticationProperties properties)
    {
        properties.Items.Remove(AcrItem);
        properties.Items.Remove(MaxAgeItem);
        properties.Items.Remove(ReverificationItem);
    }

    /// <summary>Why the IdP's answer does not meet what was asked, in words for the person; null when it does.</summary>
    public static string? Shortfall(ClaimsPrincipal principal, AuthenticationProperties properties, DateTimeOffset now)
    {
        if (Acr(properties) is { } acr && !StepUpAcr.Satisfies(StepUpClaims.Acr(principal), acr))
        {
            return $"This page needs a sign-in at {acr}; the sign-in you just made reached {StepUpClaims.Acr(principal) ?? "no level this app knows"}. "
                + "If you cannot verify that way, ask the app's administrator.";
        }

        if (MaxAge(properties) is { } maxAge
            && !StepUpDecision.Evaluate(principal, new StepUpRequirement(null, maxAge), now).IsSatisfied)
        {
            var when = StepUpClaims.AuthTime(principal) is { } authTime
                ? $"reports your sign-in at {authTime:u} while this app's clock reads {now:u}"
                : "did not say when you signed in";
            return $"This page needs a sign-in made in the last {(long)maxAge.TotalSeconds} seconds, and the identity provider {when}. "
                + "The clocks of this app and the identity provider may differ.";
        }

        if (properties.Items.TryGetValue(ReverificationItem, out var reverification) && reverification == "true"
            && !StepUpDecision.EvaluateReverification(principal, now).IsSatisfied)
        {
            return $"Your verification was due again and the identity provider did not renew it (it ended at {StepUpClaims.ReverifyAt(principal):u}; "
                + $"this app's clock reads {now:u}). The clocks of this app and the identity provider may differ.";
        }

        return null;
    }

    /// <summary>The IdP answered the step-up with an OAuth error (RFC 6749 section 4.1.2.1), in words for the person.</summary>
    public static string Refused(AuthenticationProperties properties, string error, string? description)
    {
        var level = Acr(properties) is { } acr ? $" ({acr})" : "";
        return $"The identity provider could not sign you in at the level this page needs{level}. It answered {error}: {description}";
    }

    private static string? Acr(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(AcrItem, out var acr) && StepUpAcr.IsKnown(acr) ? acr : null;

    private static TimeSpan? MaxAge(AuthenticationProperties properties) =>
        properties.Items.TryGetValue(MaxAgeItem, out var value)
        && long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
        && seconds is > 0 and < 3_153_600_000
            ? TimeSpan.FromSeconds(seconds)
            : null;
}

/// <summary>The IdP's answer to a step-up does not meet what was asked; the message is for the person.</summary>
internal sealed class StepUpNotReachedException(string message) : Exception(message);
