using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Redis;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.FileProviders;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Data.Registrations;
using StepUpIdp.Server.Admin;
using StepUpIdp.Server.Api;
using StepUpIdp.Server.ApiTokens;
using StepUpIdp.Server.Apps;
using StepUpIdp.Server.Demo;
using StepUpIdp.Server.Domains;
using StepUpIdp.Server.Guests;
using StepUpIdp.Server.Health;
using StepUpIdp.Server.Development;
using StepUpIdp.Server.Oidc;
using StepUpIdp.Server.Passwords;
using StepUpIdp.Server.SignIn;
using StepUpIdp.Server.Telemetry;
using StepUpIdp.Server.Tenancy;
using StepUpIdp.Server.TokenStorage;
using StepUpIdp.Server.TwoStep;
using StepUpIdp.Server.Verification;

namespace StepUpIdp.Server.Hosting;

/// <summary>Composition of the IdP: what <c>Program.cs</c> calls, in one place.</summary>
public static class StepUpIdpHost
{
    /// <summary>The repository's <c>config/</c> folder, copied next to the binaries.</summary>
    public static string ConfigFolder { get; } = Path.Combine(AppContext.BaseDirectory, "config");

    public static WebApplicationBuilder AddStepUpIdp(this WebApplicationBuilder builder)
    {
        AddConfigFolder(builder);

        var services = builder.Services;
        var configuration = builder.Configuration;
        var dataPath = DataPath.Resolve(configuration, builder.Environment);
        IdpOptions.RequireIssuer(configuration, builder.Environment);

        services.AddOptions<IdpOptions>().Bind(configuration.GetSection(IdpOptions.Section)).ValidateDataAnnotations()
            .Validate(o => o.SessionIdleMinutes <= o.SessionLifetimeMinutes, "Idp:SessionIdleMinutes must not exceed Idp:SessionLifetimeMinutes.")
            .ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddProblemDetails();
        services.AddExceptionHandler<DatabaseOutageAnswers>();
        services.AddExceptionHandler<ApiErrorAnswers>(); // after the outage: its 503 comes first
        // The admin API reference (docs/admin-guide.md, "API reference"), served at /openapi/v1.json.
        services.AddOpenApi(Api.OpenApiDocument.Configure);
        services.AddSignInRateLimits(configuration);
        services.AddRazorPages(pages =>
        {
            foreach (var page in new[] { "/Account/SignIn", "/Account/Verify", "/Account/VerifyAuthenticator", "/Account/Guest", "/Account/Authenticator",
                "/Account/SetPassword", "/Account/ForgotPassword", "/Account/ChangePassword" })
            {
                pages.Conventions.AddPageApplicationModelConvention(page, model =>
                    model.EndpointMetadata.Add(new Microsoft.AspNetCore.RateLimiting.EnableRateLimitingAttribute(SignInRateLimits.Policy)));
            }
        });

        DevelopmentSecrets.Apply(builder, dataPath);
        services.AddStepUpRedis(configuration);
        services.AddStepUpEmail(configuration, dataPath);
        AddDataProtection(services, configuration, dataPath);

        services.AddStepUpDatabase(configuration, dataPath);
        services.AddRegistrationCaches(configuration);
        services.AddStepUpOidc(configuration, builder.Environment, dataPath);
        services.AddStepUpSessions(configuration);

        services.AddScoped<AccountDirectory>();
        services.AddScoped<ExternalPolicyStore>();
        services.AddScoped<OrganisationPeople>();
        services.AddScoped<PasswordSignIn>();
        services.AddSingleton<IPasswordHasher<Account>, PasswordHasher<Account>>();
        services.AddScoped<DemoDataSeeder>();
        services.AddHttpContextAccessor(); // AuditLog records the client address of the request
        services.AddScoped<AuditLog>();
        services.AddSingleton<AuditGroupCommit>();
        services.AddScoped<SessionTokenCheck>();
        services.AddScoped<PasscodeVerification>();
        services.AddApiTokens(configuration);
        services.AddStepUpGuests(configuration);
        services.AddStepUpTwoStep(configuration);
        services.AddStepUpAdmin();
        services.AddTokenPruning(configuration);
        services.AddStepUpPasswords();
        services.AddStepUpDomains(configuration);
        services.AddStepUpApps();

        services.AddTrustedProxies(configuration);
        services.AddStepUpHealth();
        services.AddStepUpTelemetry(configuration);
        return builder;
    }

    /// <summary>
    /// Outside Development a node serves only with a real Redis server, never the embedded one: its state would live in
    /// one process, unseen by other nodes and lost on restart. The Data Protection key ring, kept in Redis, must be
    /// encrypted at rest with a certificate (docs/security.md, "Redis is not a trust anchor").
    /// </summary>
    private static void RequireSharedState(IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]))
        {
            throw new InvalidOperationException(
                "Redis:Configuration must be set outside Development: the embedded RESP server is for development and tests only.");
        }

        if (string.IsNullOrWhiteSpace(configuration[DataProtectionCertificate.PathKey]))
        {
            throw new InvalidOperationException(
                $"{DataProtectionCertificate.PathKey} must be set outside Development: the Data Protection key ring in Redis is encrypted with it.");
        }
    }

    /// <summary>
    /// Cookies and interaction markers must survive a restart and be readable on every node: the key ring
    /// lives in Redis when a Redis server is configured, and in the data folder with the embedded one
    /// (whose memory does not outlive the process).
    /// </summary>
    private static void AddDataProtection(IServiceCollection services, IConfiguration configuration, string dataPath)
    {
        var dataProtection = services.AddDataProtection().SetApplicationName("StepUpIdp");
        DataProtectionCertificate.Apply(dataProtection, configuration);
        if (string.IsNullOrWhiteSpace(configuration["Redis:Configuration"]))
        {
            dataProtection.PersistKeysToFileSystem(new DirectoryInfo(Path.Combine(dataPath, "keys", "data-protection")));
            return;
        }

        services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer, RedisKeys>((options, redis, keys) =>
            options.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), keys.DataProtectionKeys));
    }

    public static WebApplication UseStepUpIdp(this WebApplication app)
    {
        app.UseForwardedHeaders();
        app.UseSecurityHeaders();
        if (app.Configuration.GetValue(IdpOptions.Section + ":" + nameof(IdpOptions.RequireHttps), true))
        {
            app.UseHsts();
        }

        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            ExceptionHandlingPath = "/error",
            // A request the framework could not read (a body that does not bind, say) is the client's error, not a 500;
            // a database that cannot be reached is a 503 (DatabaseOutageAnswers).
            StatusCodeSelector = exception => exception is BadHttpRequestException bad ? bad.StatusCode
                : DatabaseOutageAnswers.StatusCode(exception) ?? StatusCodes.Status500InternalServerError,
        });
        // Under /api every error is problem details (ApiErrorAnswers); pages get the error page.
        app.UseWhen(http => ApiErrorAnswers.IsApi(http.Request.Path), api => api.UseStatusCodePages(ApiErrorAnswers.StatusCodeAsync));
        app.UseWhen(http => !ApiErrorAnswers.IsApi(http.Request.Path), pages => pages.UseStatusCodePagesWithReExecute("/error/{0}"));
        app.UseStepUpMetrics();
        app.UseStaticFiles();
        app.UseRouting();
        app.UseAppOriginCors(); // before authentication: OpenIddict answers its endpoints there
        app.UseCachedJsonWebKeySet(); // after CORS, so browser apps of registered origins may read it
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseRateLimiter();
        app.UseAntiforgery();

        app.MapStepUpOidc();
        app.MapOrgApi();
        app.MapApiTokens();
        app.MapRazorPages();
        app.MapStepUpHealth();
        app.MapOpenApi(Api.OpenApiDocument.Route);
        if (app.Environment.IsDevelopment())
        {
            app.MapDevelopmentOutbox();
        }
        return app;
    }

    /// <summary>
    /// In Development, applies pending migrations and loads the demo data; elsewhere refuses to start on a database
    /// that is behind (the <c>migrate</c> command brings it up to date).
    /// </summary>
    public static async Task InitializeStepUpIdpAsync(this WebApplication app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<StepUpDbContext>();
        if (app.Environment.IsDevelopment())
        {
            await DatabaseMigrations.MigrateAsync(db, development: true, CancellationToken.None);
        }
        else
        {
            await DatabaseMigrations.EnsureCurrentAsync(db, CancellationToken.None);
            RequireSharedState(app.Configuration);
        }

        var idp = app.Configuration.GetSection(IdpOptions.Section).Get<IdpOptions>() ?? new IdpOptions();
        if (idp.LoadDemoData && app.Environment.IsDevelopment())
        {
            await scope.ServiceProvider.GetRequiredService<DemoDataSeeder>()
                .SeedAsync(Path.Combine(ConfigFolder, "demo-data.json"), CancellationToken.None);
        }
    }

    /// <summary>
    /// Settings live in the repository's <c>config/</c> folder; they go first so that environment variables
    /// (<c>Section__Key</c>) and command-line arguments still override them.
    /// </summary>
    private static void AddConfigFolder(WebApplicationBuilder builder)
    {
        if (!System.IO.Directory.Exists(ConfigFolder))
        {
            return;
        }

        var files = new PhysicalFileProvider(ConfigFolder);
        builder.Configuration.Sources.Insert(0, new JsonConfigurationSource { FileProvider = files, Path = "appsettings.json", Optional = false });
        builder.Configuration.Sources.Insert(1, new JsonConfigurationSource
        {
            FileProvider = files,
            Path = $"appsettings.{builder.Environment.EnvironmentName}.json",
            Optional = true,
        });
    }
}
