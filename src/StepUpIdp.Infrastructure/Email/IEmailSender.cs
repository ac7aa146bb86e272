namespace StepUpIdp.Infrastructure.Email;

public interface IEmailSender
{
    /// <summary>Hands the message to the mail system, or throws <see cref="EmailDeliveryException"/>.</summary>
    Task SendAsync(EmailMessage message, CancellationToken cancellationToken);
}
