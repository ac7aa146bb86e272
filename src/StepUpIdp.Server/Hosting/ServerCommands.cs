using Microsoft.Extensions.Options;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Bootstrap;

namespace StepUpIdp.Server.Hosting;

/// <summary>The administrative commands of the server program; each returns the process exit code.</summary>
public static class ServerCommands
{
    /// <summary>Where a development IdP listens (launchSettings); links from <c>bootstrap</c> use it when no issuer is set.</summary>
    private static readonly Uri DevelopmentRoot = new("http://127.0.0.1:5000/");

    public static async Task<int> RunAsync(WebApplication app, ServerCommandLine commandLine)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var cancellationToken = app.Lifetime.ApplicationStopping;
        var db = services.GetRequiredService<StepUpDbContext>();
        var development = app.Environment.IsDevelopment();
        switch (commandLine.Verb)
        {
            case ServerCommandLine.Migrate:
                var applied = await DatabaseMigrations.MigrateAsync(db, development, cancellationToken);
                Console.WriteLine(applied.Count == 0
                    ? "The database is up to date."
                    : $"Applied {applied.Count} migration(s): {string.Join(", ", applied)}.");
                var addresses = await CanonicalAddresses.RewriteAsync(db, cancellationToken);
                if (addresses.Rewritten > 0)
                {
                    Console.WriteLine($"Rewrote {addresses.Rewritten} address(es) to their canonical form (an accented domain in its xn-- form).");
                }

                if (addresses.ConflictingAccountIds.Count > 0)
                {
                    Console.WriteLine($"Left {addresses.ConflictingAccountIds.Count} account(s) whose canonical address another account has; keep one of each pair: "
                        + string.Join(", ", addresses.ConflictingAccountIds));
                }

                return 0;

            case ServerCommandLine.Bootstrap:
                if (development)
                {
                    await DatabaseMigrations.MigrateAsync(db, development, cancellationToken);
                }
                else
                {
                    await DatabaseMigrations.EnsureCurrentAsync(db, cancellationToken);
                }

                var issuer = services.GetRequiredService<IOptions<IdpOptions>>().Value.Issuer;
                if (issuer is null && !development)
                {
                    await Console.Error.WriteLineAsync("Set Idp:Issuer (the IdP's public address) so the set-up link can point at it.");
                    return 1;
                }

                var options = commandLine.Options;
                var result = await services.GetRequiredService<OrganisationBootstrap>().RunAsync(
                    options.GetValueOrDefault("org"), options.GetValueOrDefault("name"), options.GetValueOrDefault("admin-email"),
                    options.GetValueOrDefault("admin-name"), IdpAddress.WithSlash(issuer ?? DevelopmentRoot), cancellationToken);
                if (result is BootstrapResult.Created created)
                {
                    Console.WriteLine(created.Renewed
                        ? $"Organisation '{created.OrganisationId}' already exists and {created.AdminEmail} has not chosen a password yet; here is a new set-up link."
                        : $"Created organisation '{created.OrganisationId}' with admin {created.AdminEmail}.");
                    Console.WriteLine($"Set-up link (works once, for {Passwords.PasswordLinks.Lifetime.TotalMinutes:0} minutes; give it to the admin only):");
                    Console.WriteLine(created.SetUpLink.AbsoluteUri);
                    return 0;
                }

                await Console.Error.WriteLineAsync(((BootstrapResult.Refused)result).Reason);
                return 1;

            case ServerCommandLine.NewSigningKey:
                Console.WriteLine(Oidc.TokenKeys.NewSigningKeyPem());
                await Console.Error.WriteLineAsync("""
                    Rotation without downtime (docs/security.md, "Signing keys"):
                      1. Give every node this key as Keys:NextSigningKey. It is published in the JWKS and signs nothing yet.
                      2. Once relying parties have refreshed their JWKS caches (a day is ample), on every node make it
                         Keys:SigningKey and the old one Keys:PreviousSigningKey. New tokens are signed with it.
                      3. When the longest-lived token signed with the old key has expired, remove Keys:PreviousSigningKey.
                    """);
                return 0;

            default:
                await Console.Error.WriteLineAsync(ServerCommandLine.Usage);
                return 2;
        }
    }
}
