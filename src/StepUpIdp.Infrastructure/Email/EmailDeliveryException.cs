namespace StepUpIdp.Infrastructure.Email;

/// <summary>
/// The message could not be handed over (server unreachable, refused, authentication failed).
/// One type for callers to catch, whatever the transport threw.
/// </summary>
public sealed class EmailDeliveryException(string message, Exception innerException)
    : Exception(message, innerException);
