using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StepUpIdp.Infrastructure.Email;

public static class EmailServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="IEmailSender"/>: MailKit when <c>Smtp:Host</c> is set, otherwise the outbox in
    /// <c>{dataPath}/outbox</c>. Options are validated at start-up. Safe to call twice.
    /// </summary>
    public static IServiceCollection AddStepUpEmail(this IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentException.ThrowIfNullOrWhiteSpace(dataPath);

        var section = configuration.GetSection(SmtpOptions.SectionName);
        if (!services.Any(descriptor => descriptor.ServiceType == typeof(EmailRegistered)))
        {
            services.AddSingleton<EmailRegistered>();
            services.AddOptions<SmtpOptions>().Bind(section).ValidateOnStart();
            services.AddOptions<OutboxOptions>()
                .Configure(outbox => outbox.Directory = Path.GetFullPath(Path.Combine(dataPath, "outbox")));
        }

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SmtpOptions>, SmtpOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<OutboxReader>();

        var usesOutbox = string.IsNullOrWhiteSpace(section[nameof(SmtpOptions.Host)]);
        if (usesOutbox)
        {
            services.TryAddSingleton<IEmailSender, OutboxEmailSender>();
        }
        else
        {
            services.TryAddSingleton<IEmailSender, MailKitEmailSender>();
        }

        return services;
    }

    /// <summary>Marks the options as bound, so a second call does not bind them again.</summary>
    private sealed class EmailRegistered;
}
