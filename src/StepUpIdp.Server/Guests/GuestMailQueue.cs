using System.Threading.Channels;
using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Server.Guests;

/// <summary>
/// Delivers guest sign-in passcodes off the request. The guest sign-in page must answer a known and an
/// unknown address alike, and only known ones get mail: sending on the request would
/// make the known answer slower by an SMTP round trip, which tells the two apart as surely as the words would.
/// </summary>
public sealed class GuestMailQueue(IEmailSender sender, ILogger<GuestMailQueue> logger) : BackgroundService
{
    private const int Capacity = 1000;

    private readonly Channel<EmailMessage> _messages = Channel.CreateBounded<EmailMessage>(
        new BoundedChannelOptions(Capacity) { SingleReader = true, FullMode = BoundedChannelFullMode.DropWrite });

    /// <summary>Queues the message; returns at once whatever happens to it later.</summary>
    public void Enqueue(EmailMessage message)
    {
        if (!_messages.Writer.TryWrite(message))
        {
            GuestLog.MailQueueFull(logger, DomainOf(message.To));
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var message in _messages.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await sender.SendAsync(message, stoppingToken);
                }
                catch (EmailDeliveryException ex)
                {
                    // The person sees no error (the page said the same to everyone); they can ask for a new code.
                    GuestLog.PasscodeDeliveryFailed(logger, DomainOf(message.To), ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static string DomainOf(string email) => email[(email.LastIndexOf('@') + 1)..];
}

internal static partial class GuestLog
{
    [LoggerMessage(EventId = 6101, Level = LogLevel.Warning, Message = "Guest passcode email to {Domain} could not be delivered.")]
    public static partial void PasscodeDeliveryFailed(ILogger logger, string domain, Exception exception);

    [LoggerMessage(EventId = 6102, Level = LogLevel.Error, Message = "The guest mail queue is full; a passcode email to {Domain} was dropped.")]
    public static partial void MailQueueFull(ILogger logger, string domain);

    [LoggerMessage(EventId = 6103, Level = LogLevel.Information, Message = "Guest {AccountId} may not sign in to {ClientId}: {Reason}.")]
    public static partial void SignInRefused(ILogger logger, string accountId, string clientId, string reason);

    [LoggerMessage(EventId = 6104, Level = LogLevel.Warning, Message = "Invitation email to {Domain} for {ClientId} could not be delivered.")]
    public static partial void InvitationDeliveryFailed(ILogger logger, string domain, string clientId, Exception exception);
}
