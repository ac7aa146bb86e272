using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Infrastructure.Tests.Email;

public sealed class OutboxTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "stepupidp-outbox-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task Sent_email_is_written_as_an_eml_file_in_the_outbox()
    {
        await Sender().SendAsync(PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test"), CancellationToken.None);

        var file = Assert.Single(Directory.GetFiles(_directory));
        Assert.EndsWith(".eml", file);
        var message = await MimeKit.MimeMessage.LoadAsync(file);
        Assert.Equal("Your sign-in code for Acme", message.Subject);
        Assert.Equal("no-reply@stepupidp.localhost", Assert.Single(message.From.Mailboxes).Address);
        Assert.Contains("493817", message.HtmlBody);
    }

    [Fact]
    public async Task Reader_lists_the_newest_messages_first_with_time_recipient_subject_and_text()
    {
        var sender = Sender();
        await sender.SendAsync(PasscodeEmail.Compose("Acme", "111111", TimeSpan.FromMinutes(10), "first@partner.test"), CancellationToken.None);
        _time.Advance(TimeSpan.FromSeconds(31));
        await sender.SendAsync(PasscodeEmail.Compose("Acme", "222222", TimeSpan.FromMinutes(10), "second@partner.test"), CancellationToken.None);
        _time.Advance(TimeSpan.FromMilliseconds(1));
        await sender.SendAsync(PasscodeEmail.Compose("Beta", "333333", TimeSpan.FromMinutes(10), "third@partner.test"), CancellationToken.None);

        var entries = await Reader().ReadNewestAsync(2);

        Assert.Equal(["third@partner.test", "second@partner.test"], entries.Select(entry => entry.To));
        Assert.Equal("Your sign-in code for Beta", entries[0].Subject);
        Assert.Contains("333333", entries[0].TextBody);
        Assert.Equal(new DateTimeOffset(2026, 3, 1, 9, 0, 31, TimeSpan.Zero), entries[1].Time);
    }

    [Fact]
    public async Task Reader_of_a_missing_outbox_lists_nothing()
    {
        Assert.Empty(await Reader().ReadNewestAsync());
    }

    [Fact]
    public async Task Reader_skips_a_file_that_is_not_a_message()
    {
        await Sender().SendAsync(PasscodeEmail.Compose("Acme", "493817", TimeSpan.FromMinutes(10), "bob@partner.test"), CancellationToken.None);
        await File.WriteAllBytesAsync(Path.Combine(_directory, "99999999T999999-broken.eml"), [0xFF, 0x00, 0x13]);

        var entries = await Reader().ReadNewestAsync();

        Assert.Equal(["bob@partner.test"], entries.Select(entry => entry.To));
    }

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private OutboxEmailSender Sender() => new(
        Options.Create(new OutboxOptions { Directory = _directory }),
        Options.Create(new SmtpOptions()),
        _time,
        NullLogger<OutboxEmailSender>.Instance);

    private OutboxReader Reader() => new(Options.Create(new OutboxOptions { Directory = _directory }), NullLogger<OutboxReader>.Instance);
}
