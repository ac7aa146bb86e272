using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StepUpIdp.Domain.Policy;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Policies;

/// <summary>
/// A named external-user policy of an organisation: a domain policy or the pilot (docs/external-policies.md). The
/// default policy stays on <see cref="Organisation.ExternalPolicy"/>; these rows are only the named ones.
/// </summary>
public sealed class NamedExternalPolicy
{
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string Name { get; set; }
    public ExternalPolicyScope Scope { get; set; }
    public StoredExternalPolicy Settings { get; set; } = new();
    public DateTimeOffset CreatedAt { get; set; }
    public List<ExternalPolicyDomain> Domains { get; set; } = [];
    public List<ExternalPolicyPilotAccount> PilotAccounts { get; set; } = [];
}

/// <summary>An email domain a domain policy is for. Keyed by (organisation, domain): a domain is in one policy at most.</summary>
public sealed class ExternalPolicyDomain
{
    public required string OrganisationId { get; set; }
    public required string Domain { get; set; }
    public required string PolicyId { get; set; }
}

/// <summary>An account in the pilot policy.</summary>
public sealed class ExternalPolicyPilotAccount
{
    public required string PolicyId { get; set; }
    public required string AccountId { get; set; }
}

public sealed class NamedExternalPolicyConfiguration :
    IEntityTypeConfiguration<NamedExternalPolicy>, IEntityTypeConfiguration<ExternalPolicyDomain>, IEntityTypeConfiguration<ExternalPolicyPilotAccount>
{
    public void Configure(EntityTypeBuilder<NamedExternalPolicy> policy)
    {
        policy.ToTable("ExternalPolicies");
        policy.HasKey(p => p.Id);
        policy.Property(p => p.Id).HasMaxLength(32);
        policy.Property(p => p.OrganisationId).HasMaxLength(64);
        policy.Property(p => p.Name).HasMaxLength(Domain.Policy.ScopedExternalPolicyValidator.MaxNameLength);
        policy.Property(p => p.Scope).HasConversion<string>().HasMaxLength(16);
        policy.HasIndex(p => p.OrganisationId);
        policy.HasOne<Organisation>().WithMany().HasForeignKey(p => p.OrganisationId).OnDelete(DeleteBehavior.Cascade);
        policy.Property(p => p.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        policy.OwnsOne(p => p.Settings, settings =>
        {
            settings.Property(s => s.Verification).HasConversion<string>().HasMaxLength(16);
            settings.Property(s => s.ApiTokens).HasConversion<string>().HasMaxLength(16);
            settings.Property(s => s.Methods).HasMaxLength(64);
        });
        policy.HasMany(p => p.Domains).WithOne().HasForeignKey(d => d.PolicyId).OnDelete(DeleteBehavior.Cascade);
        policy.HasMany(p => p.PilotAccounts).WithOne().HasForeignKey(a => a.PolicyId).OnDelete(DeleteBehavior.Cascade);
    }

    public void Configure(EntityTypeBuilder<ExternalPolicyDomain> domain)
    {
        domain.ToTable("ExternalPolicyDomains");
        domain.HasKey(d => new { d.OrganisationId, d.Domain });
        domain.Property(d => d.OrganisationId).HasMaxLength(64);
        domain.Property(d => d.Domain).HasMaxLength(253);
        domain.Property(d => d.PolicyId).HasMaxLength(32);
        domain.HasIndex(d => d.PolicyId);
    }

    public void Configure(EntityTypeBuilder<ExternalPolicyPilotAccount> account)
    {
        account.ToTable("ExternalPolicyPilotAccounts");
        account.HasKey(a => new { a.PolicyId, a.AccountId });
        account.Property(a => a.PolicyId).HasMaxLength(32);
        account.Property(a => a.AccountId).HasMaxLength(32);
        account.HasIndex(a => a.AccountId);
        account.HasOne<Account>().WithMany().HasForeignKey(a => a.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
