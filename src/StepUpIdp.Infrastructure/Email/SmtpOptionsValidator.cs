using Microsoft.Extensions.Options;
using MimeKit;
using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Infrastructure.Email;

/// <summary>Refuses a mail configuration that could only fail later, when someone is waiting for a passcode.</summary>
public sealed class SmtpOptionsValidator : IValidateOptions<SmtpOptions>
{
    public ValidateOptionsResult Validate(string? name, SmtpOptions options)
    {
        var failures = new List<string>();

        if (!string.IsNullOrWhiteSpace(options.From) && !TryParseFrom(options.From, out _))
        {
            failures.Add($"Smtp:From must be one email address such as \"StepUpIdp <no-reply@example.com>\"; got \"{options.From}\".");
        }

        if (!options.UsesOutbox)
        {
            if (string.IsNullOrWhiteSpace(options.From))
            {
                failures.Add("Smtp:From is required when Smtp:Host is set.");
            }

            if (options.Port is < 1 or > 65535)
            {
                failures.Add($"Smtp:Port must be between 1 and 65535; got {options.Port}.");
            }

            if (!Enum.IsDefined(options.Security))
            {
                failures.Add("Smtp:Security must be one of None, StartTls, SslOnConnect, Auto.");
            }
        }

        // The password is never echoed: only whether it is present.
        if (string.IsNullOrEmpty(options.User) != string.IsNullOrEmpty(options.Password))
        {
            failures.Add("Smtp:User and Smtp:Password must be set together (or both left empty for no authentication).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    internal static bool TryParseFrom(string value, out MailboxAddress address)
    {
        address = null!;
        if (!InternetAddressList.TryParse(value, out var list) || list.Count != 1 || list[0] is not MailboxAddress mailbox)
        {
            return false;
        }

        if (!EmailAddress.IsPlausible(mailbox.Address))
        {
            return false;
        }

        address = mailbox;
        return true;
    }
}
