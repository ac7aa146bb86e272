namespace StepUpIdp.Server.Oidc;

/// <summary>
/// Whether the session is good enough to skip the sign-in page (OIDC Core 3.1.2.1: prompt=login, max_age).
/// A sign-in made during the current interaction always satisfies both, which prevents redirect loops.
/// </summary>
public static class SignInFreshness
{
    /// <returns>Null when the session will do; otherwise the reason a sign-in is needed, for the log.</returns>
    public static string? Check(string? accountId, DateTimeOffset? authTime, bool promptLogin, TimeSpan? maxAge, DateTimeOffset? interactionStartedAt, DateTimeOffset now)
    {
        if (accountId is null || authTime is null)
        {
            return "no session";
        }

        var signedInDuringThisInteraction = interactionStartedAt is { } started && authTime >= started.AddSeconds(-1);
        if (signedInDuringThisInteraction)
        {
            return null;
        }

        if (promptLogin)
        {
            return "prompt=login";
        }

        if (maxAge is { } age && now - authTime.Value > age)
        {
            return "session older than max_age";
        }

        return null;
    }
}
