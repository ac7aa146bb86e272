using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StepUpIdp.Infrastructure.Domains;

/// <summary>
/// A domain an organisation added but has not yet proven by DNS. The token goes into the TXT record the admin
/// publishes; once a lookup finds it, the domain becomes an <see cref="Data.OrganisationDomain"/> and the claim goes.
/// Several organisations may claim a domain; the first to verify it gets it.
/// </summary>
public sealed class DomainClaim
{
    public required string OrganisationId { get; set; }
    public required string Domain { get; set; }
    public required string Token { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class DomainClaimConfiguration : IEntityTypeConfiguration<DomainClaim>
{
    public void Configure(EntityTypeBuilder<DomainClaim> claim)
    {
        claim.ToTable("DomainClaims");
        claim.HasKey(c => new { c.OrganisationId, c.Domain });
        claim.Property(c => c.OrganisationId).HasMaxLength(64);
        claim.Property(c => c.Domain).HasMaxLength(253);
        claim.Property(c => c.Token).HasMaxLength(64);
        claim.HasIndex(c => c.Domain);
        claim.Property(c => c.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
    }
}
