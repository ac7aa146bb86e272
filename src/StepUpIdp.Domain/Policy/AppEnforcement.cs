namespace StepUpIdp.Domain.Policy;

/// <summary>
/// Whether the external-user policy applies to an app. The default is
/// <see cref="Enforced"/>, so an app whose setting is unknown fails closed.
/// </summary>
public enum AppEnforcement
{
    Enforced = 0,

    /// <summary>Server-to-server integrations and relays; listed in the admin API so nothing is exempt silently.</summary>
    Exempt = 1,
}
