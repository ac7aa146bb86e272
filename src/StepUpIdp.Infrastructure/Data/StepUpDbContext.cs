using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.ApiTokens;
using StepUpIdp.Infrastructure.Apps;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Domains;
using StepUpIdp.Infrastructure.Guests;
using StepUpIdp.Infrastructure.Passwords;
using StepUpIdp.Infrastructure.Policies;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// The relational store: directory (orgs, accounts, apps, grants) and OpenIddict's entities. One subclass per
/// database provider (<see cref="SqliteStepUpDbContext"/>, <see cref="PostgresStepUpDbContext"/>) owns that
/// provider's migrations; the rest of the code asks for this type.
/// </summary>
public abstract class StepUpDbContext(DbContextOptions options) : DbContext(options)
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<OrganisationDomain> OrganisationDomains => Set<OrganisationDomain>();
    public DbSet<OrganisationMember> OrganisationMembers => Set<OrganisationMember>();
    public DbSet<Account> Accounts => Set<Account>();
    public DbSet<App> Apps => Set<App>();
    public DbSet<AppSpace> AppSpaces => Set<AppSpace>();
    public DbSet<RoleGrant> RoleGrants => Set<RoleGrant>();
    public DbSet<Group> Groups => Set<Group>();
    public DbSet<GroupMember> GroupMembers => Set<GroupMember>();
    public DbSet<GroupAppRole> GroupAppRoles => Set<GroupAppRole>();
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ApiToken> ApiTokens => Set<ApiToken>();
    public DbSet<GuestAssignment> GuestAssignments => Set<GuestAssignment>();
    public DbSet<PasswordLink> PasswordLinks => Set<PasswordLink>();
    public DbSet<DomainClaim> DomainClaims => Set<DomainClaim>();
    public DbSet<AppSecret> AppSecrets => Set<AppSecret>();
    public DbSet<AppOrigin> AppOrigins => Set<AppOrigin>();
    public DbSet<NamedExternalPolicy> ExternalPolicies => Set<NamedExternalPolicy>();
    public DbSet<ExternalPolicyDomain> ExternalPolicyDomains => Set<ExternalPolicyDomain>();
    public DbSet<ExternalPolicyPilotAccount> ExternalPolicyPilotAccounts => Set<ExternalPolicyPilotAccount>();

    protected override void OnModelCreating(ModelBuilder model)
    {
        model.UseOpenIddict();
        model.ApplyConfiguration(new ApiTokenConfiguration());
        model.ApplyConfiguration(new GuestAssignmentConfiguration());
        model.ApplyConfiguration(new PasswordLinkConfiguration());
        model.ApplyConfiguration(new DomainClaimConfiguration());
        model.ApplyConfiguration(new AppSecretConfiguration());
        model.ApplyConfiguration(new AppOriginConfiguration());
        model.ApplyConfiguration<NamedExternalPolicy>(new NamedExternalPolicyConfiguration());
        model.ApplyConfiguration<ExternalPolicyDomain>(new NamedExternalPolicyConfiguration());
        model.ApplyConfiguration<ExternalPolicyPilotAccount>(new NamedExternalPolicyConfiguration());

        model.Entity<Organisation>(org =>
        {
            org.HasKey(o => o.Id);
            org.Property(o => o.Id).HasMaxLength(64);
            org.Property(o => o.Name).HasMaxLength(200);
            org.HasMany(o => o.VerifiedDomains).WithOne().HasForeignKey(d => d.OrganisationId);
            org.OwnsOne(o => o.ExternalPolicy, policy =>
            {
                policy.Property(p => p.Verification).HasConversion<string>().HasMaxLength(16);
                policy.Property(p => p.ApiTokens).HasConversion<string>().HasMaxLength(16);
                policy.Property(p => p.Methods).HasMaxLength(64);
            });
        });

        model.Entity<OrganisationDomain>(domain =>
        {
            domain.HasKey(d => new { d.OrganisationId, d.Domain });
            domain.Property(d => d.Domain).HasMaxLength(253);
            // A verified domain belongs to one organisation: it decides who is internal there.
            domain.HasIndex(d => d.Domain).IsUnique();
        });

        model.Entity<OrganisationMember>(member =>
        {
            member.HasKey(m => new { m.OrganisationId, m.AccountId });
            member.HasIndex(m => m.AccountId);
        });

        model.Entity<Account>(account =>
        {
            account.HasKey(a => a.Id);
            account.Property(a => a.Id).HasMaxLength(32);
            account.Property(a => a.Email).HasMaxLength(254);
            account.Property(a => a.NormalizedEmail).HasMaxLength(254);
            account.HasIndex(a => a.NormalizedEmail).IsUnique();
            account.Property(a => a.Name).HasMaxLength(200);
        });

        model.Entity<App>(app =>
        {
            app.HasKey(a => a.ClientId);
            app.Property(a => a.ClientId).HasMaxLength(100);
            app.Property(a => a.Enforcement).HasConversion<string>().HasMaxLength(16);
            app.HasIndex(a => a.OrganisationId);
            app.HasMany(a => a.Spaces).WithOne().HasForeignKey(s => s.AppClientId);
        });

        model.Entity<AppSpace>(space =>
        {
            space.HasKey(s => new { s.AppClientId, s.Key });
            space.Property(s => s.Key).HasMaxLength(100);
        });

        model.Entity<RoleGrant>(grant =>
        {
            grant.HasKey(g => new { g.AppClientId, g.AccountId });
            grant.Property(g => g.Role).HasConversion<string>().HasMaxLength(16);
            grant.HasIndex(g => g.AccountId);
        });

        model.Entity<Group>(group =>
        {
            group.HasKey(g => g.Id);
            group.HasIndex(g => g.OrganisationId);
            group.HasMany(g => g.Members).WithOne().HasForeignKey(m => m.GroupId);
            group.HasMany(g => g.AppRoles).WithOne().HasForeignKey(r => r.GroupId);
        });

        model.Entity<GroupMember>(member =>
        {
            member.HasKey(m => new { m.GroupId, m.AccountId });
            member.HasIndex(m => m.AccountId);
        });

        model.Entity<AuditEntry>(entry =>
        {
            entry.HasKey(e => e.Id);
            entry.HasIndex(e => new { e.OrganisationId, e.Id });
            entry.Property(e => e.Action).HasMaxLength(64);
            entry.Property(e => e.Outcome).HasMaxLength(16);
            entry.Property(e => e.Detail).HasMaxLength(AuditLog.MaxDetailLength);
            entry.Property(e => e.ClientAddress).HasMaxLength(AuditLog.MaxClientAddressLength);
            // SQLite cannot order by DateTimeOffset; the id is monotonic, so "newest first" orders by id.
            entry.Property(e => e.At).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        });

        model.Entity<GroupAppRole>(role =>
        {
            role.HasKey(r => new { r.GroupId, r.AppClientId });
            role.Property(r => r.Role).HasConversion<string>().HasMaxLength(16);
            // Primitive collections (JSON on SQLite, text[] on PostgreSQL), as GuestAssignment.Spaces.
            role.PrimitiveCollection(r => r.Spaces);
            role.PrimitiveCollection(r => r.ReadOnlySpaces);
        });

        TwoStep.TwoStepModel.Configure(model);
    }
}
