using System.Globalization;
using MimeKit;
using Xunit;

namespace StepUpIdp.Testing;

/// <summary>
/// The mailbox a real SMTP server (aiosmtpd's Mailbox handler in <c>.ci/run</c>) delivers to, named by
/// <see cref="Variable"/>; the server itself by <see cref="SmtpVariable"/>. Each person's mail is read from it as they
/// would read it, once. Messages already there when it was opened belong to someone else and are never read.
/// </summary>
public sealed class Maildir
{
    /// <summary>The real SMTP server, host:port.</summary>
    public const string SmtpVariable = "STEPUPIDP_TEST_SMTP";

    /// <summary>The maildir that server delivers to.</summary>
    public const string Variable = "STEPUPIDP_TEST_SMTP_MAILDIR";

    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _path;
    private readonly HashSet<string> _read;

    public Maildir(string path)
    {
        _path = path;
        _read = [.. Files()];
    }

    /// <summary>The maildir named by <see cref="Variable"/>, opened now.</summary>
    public static Maildir FromEnvironment() => new(Environment.GetEnvironmentVariable(Variable)!);

    /// <summary>The SMTP server named by <see cref="SmtpVariable"/>.</summary>
    public static (string Host, int Port) SmtpServer()
    {
        var value = Environment.GetEnvironmentVariable(SmtpVariable)!;
        var colon = value.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(value[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port))
        {
            throw new InvalidOperationException($"{SmtpVariable} must be host:port; got \"{value}\".");
        }

        return (value[..colon], port);
    }

    /// <summary>The first unread message to <paramref name="recipient"/> whose subject contains <paramref name="subject"/>.</summary>
    public async Task<MimeMessage> NextAsync(string recipient, string subject)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            foreach (var file in Files().Where(file => !_read.Contains(file)).OrderBy(File.GetLastWriteTimeUtc))
            {
                var message = await MimeMessage.LoadAsync(file);
                if (message.To.Mailboxes.Any(mailbox => string.Equals(mailbox.Address, recipient, StringComparison.OrdinalIgnoreCase))
                    && (message.Subject ?? "").Contains(subject, StringComparison.OrdinalIgnoreCase))
                {
                    _read.Add(file);
                    return message;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"No message to {recipient} about \"{subject}\" reached the maildir {_path} within {Patience}.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The set-password link of the next invitation to <paramref name="recipient"/>.</summary>
    public async Task<string> SetPasswordLinkAsync(string recipient)
    {
        var message = await NextAsync(recipient, "password");
        var link = MailPatterns.SetPasswordLink().Match(message.TextBody ?? "");
        Assert.True(link.Success, $"No set-password link in the email to {recipient}:\n{message.TextBody}");
        return link.Value;
    }

    /// <summary>The one-time code of the next code email to <paramref name="recipient"/>.</summary>
    public async Task<string> CodeAsync(string recipient)
    {
        var message = await NextAsync(recipient, "code");
        var code = MailPatterns.Code().Match(message.TextBody ?? "");
        Assert.True(code.Success, $"No code in the email to {recipient}:\n{message.TextBody}");
        return code.Value;
    }

    // Maildir delivers into new/ and a mail reader may move it to cur/.
    private IEnumerable<string> Files() =>
        new[] { "new", "cur" }.Select(name => Path.Combine(_path, name)).Where(Directory.Exists).SelectMany(Directory.EnumerateFiles);
}
