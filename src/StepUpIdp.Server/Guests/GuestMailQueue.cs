using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Server.Hosting;

namespace StepUpIdp.Server.Guests;

/// <summary>
/// Sends email off the request: guest sign-in passcodes, password links and security notices. The guest sign-in and
/// forgot-password pages must answer a known and an unknown address alike, and only known ones get mail: sending on
/// the request would make the known answer slower by an SMTP round trip, which tells the two apart as surely as the
/// words would.
/// </summary>
public sealed class GuestMailQueue(IEmailSender sender, ILogger<GuestMailQueue> logger) : OffRequestQueue<EmailMessage>(Capacity)
{
    private const int Capacity = 1000;

    protected override Task ProcessAsync(EmailMessage message, CancellationToken cancellationToken) =>
        sender.SendAsync(message, cancellationToken);

    protected override void OnDropped(EmailMessage message) => GuestLog.MailQueueFull(logger, DomainOf(message.To));

    // The person sees no error (the page said the same to everyone); they can ask for a new code.
    protected override void OnFailed(EmailMessage message, Exception exception) =>
        GuestLog.MailDeliveryFailed(logger, DomainOf(message.To), exception);

    private static string DomainOf(string email) => email[(email.LastIndexOf('@') + 1)..];
}

internal static partial class GuestLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "An email to {Domain} (a guest passcode, a password link or a security notice) could not be delivered.")]
    public static partial void MailDeliveryFailed(ILogger logger, string domain, Exception exception);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Error, Message = "The mail queue is full; an email to {Domain} was dropped.")]
    public static partial void MailQueueFull(ILogger logger, string domain);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Guest {AccountId} may not sign in to {ClientId}: {Reason}.")]
    public static partial void SignInRefused(ILogger logger, string accountId, string clientId, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Invitation email to {Domain} for {ClientId} could not be delivered.")]
    public static partial void InvitationDeliveryFailed(ILogger logger, string domain, string clientId, Exception exception);
}
