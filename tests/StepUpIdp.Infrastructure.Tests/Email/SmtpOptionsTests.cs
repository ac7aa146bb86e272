using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StepUpIdp.Infrastructure.Email;

namespace StepUpIdp.Infrastructure.Tests.Email;

public sealed class SmtpOptionsTests
{
    private static readonly string DataPath = Path.Combine(Path.GetTempPath(), "stepupidp-email-options");

    [Fact]
    public void Without_a_host_the_outbox_is_the_sender()
    {
        using var services = Build([]);

        Assert.IsType<OutboxEmailSender>(services.GetRequiredService<IEmailSender>());
        Assert.Equal(Path.Combine(DataPath, "outbox"), services.GetRequiredService<IOptions<OutboxOptions>>().Value.Directory);
    }

    [Fact]
    public void With_a_host_mailkit_is_the_sender()
    {
        using var services = Build(new() { ["Smtp:Host"] = "smtp.acme.test", ["Smtp:From"] = "no-reply@acme.test" });

        Assert.IsType<MailKitEmailSender>(services.GetRequiredService<IEmailSender>());
        services.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public void Adding_email_twice_registers_each_service_once()
    {
        var configuration = Configuration(new() { ["Smtp:Host"] = "smtp.acme.test", ["Smtp:From"] = "x" });
        var collection = new ServiceCollection().AddLogging();
        collection.AddStepUpEmail(configuration, DataPath).AddStepUpEmail(configuration, DataPath);

        Assert.Single(collection, descriptor => descriptor.ServiceType == typeof(IEmailSender));
        Assert.Single(collection, descriptor => descriptor.ServiceType == typeof(IValidateOptions<SmtpOptions>));
        Assert.Single(collection, descriptor => descriptor.ServiceType == typeof(IConfigureOptions<SmtpOptions>));
        using var services = collection.BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());
        Assert.Single(error.Failures);
    }

    [Theory]
    [InlineData("Smtp:From", "not an address", "Smtp:From")]
    [InlineData("Smtp:From", "", "Smtp:From is required")]
    [InlineData("Smtp:From", "a@acme.test, b@acme.test", "Smtp:From")]
    [InlineData("Smtp:Port", "0", "Smtp:Port")]
    [InlineData("Smtp:Port", "70000", "Smtp:Port")]
    [InlineData("Smtp:User", "mailer", "Smtp:User and Smtp:Password")]
    [InlineData("Smtp:Password", "s3cret-value", "Smtp:User and Smtp:Password")]
    public void Bad_configuration_stops_start_up_with_a_message_naming_the_key(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Smtp:Host"] = "smtp.acme.test",
            ["Smtp:From"] = "StepUpIdp <no-reply@acme.test>",
            [key] = value,
        };
        using var services = Build(settings);

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        var failure = Assert.Single(error.Failures);
        Assert.Contains(expected, failure);
        Assert.DoesNotContain("s3cret-value", error.Message);
    }

    [Fact]
    public void A_bad_from_is_refused_even_for_the_outbox()
    {
        using var services = Build(new() { ["Smtp:From"] = "nobody" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Smtp:From", Assert.Single(error.Failures));
    }

    [Fact]
    public void An_unknown_security_mode_is_refused_naming_the_key()
    {
        using var services = Build(new() { ["Smtp:Host"] = "smtp.acme.test", ["Smtp:From"] = "no-reply@acme.test", ["Smtp:Security"] = "Sometimes" });

        var error = Assert.Throws<InvalidOperationException>(() => services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains("Smtp:Security", error.Message);
    }

    [Fact]
    public void A_complete_configuration_is_accepted()
    {
        using var services = Build(new()
        {
            ["Smtp:Host"] = "smtp.acme.test",
            ["Smtp:Port"] = "465",
            ["Smtp:Security"] = "SslOnConnect",
            ["Smtp:User"] = "mailer",
            ["Smtp:Password"] = "s3cret-value",
            ["Smtp:From"] = "Acme sign-in <no-reply@acme.test>",
        });

        services.GetRequiredService<IStartupValidator>().Validate();
        var options = services.GetRequiredService<IOptions<SmtpOptions>>().Value;
        Assert.Equal(SmtpSecurity.SslOnConnect, options.Security);
        Assert.Equal(465, options.Port);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection().AddLogging().AddStepUpEmail(Configuration(settings), DataPath).BuildServiceProvider();

    private static IConfiguration Configuration(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
}
