using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using StepUpIdp.Infrastructure.Secrets;

namespace StepUpIdp.Infrastructure.Passwords;

public enum PasswordLinkPurpose
{
    /// <summary>A new account (first admin, invited person) chooses its first password.</summary>
    SetPassword = 0,

    /// <summary>Someone who forgot the password asked for a new one.</summary>
    ResetPassword = 1,
}

/// <summary>
/// An emailed link that lets its holder choose the account's password once, before it expires. Only the SHA-256
/// of its secret is stored (see <see cref="OpaqueSecret"/>); using it stamps <see cref="UsedAt"/>.
/// </summary>
public sealed class PasswordLink
{
    public required string Id { get; set; }
    public required string AccountId { get; set; }
    public PasswordLinkPurpose Purpose { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>The table of <see cref="PasswordLink"/>; applied by the DbContext so the feature stays in one place.</summary>
public sealed class PasswordLinkConfiguration : IEntityTypeConfiguration<PasswordLink>
{
    public void Configure(EntityTypeBuilder<PasswordLink> link)
    {
        link.ToTable("PasswordLinks");
        link.HasKey(l => l.Id);
        link.Property(l => l.Id).HasMaxLength(OpaqueSecret.IdLength);
        link.Property(l => l.AccountId).HasMaxLength(32);
        link.Property(l => l.Purpose).HasConversion<string>().HasMaxLength(16);
        link.Property(l => l.SecretHash).HasMaxLength(32);
        link.HasIndex(l => l.AccountId);
        // Unix milliseconds: comparable in SQL on SQLite as well as PostgreSQL (the expiry and single-use checks run there).
        link.Property(l => l.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        link.Property(l => l.ExpiresAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        link.Property(l => l.UsedAt).HasConversion(
            v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : (long?)null,
            v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);
    }
}
