using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StepUpIdp.Infrastructure.Apps;

/// <summary>
/// A client secret of a confidential app. An app may have two live ones at once, so a new secret can be rolled out
/// before the old one is deleted; each may end at a set time. Only SHA-256 of the 256-bit secret is stored.
/// </summary>
public sealed class AppSecret
{
    public required string Id { get; set; }
    public required string AppClientId { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
}

/// <summary>A browser origin an app's single-page front end calls the IdP from (CORS).</summary>
public sealed class AppOrigin
{
    public required string AppClientId { get; set; }
    public required string Origin { get; set; }
}

public sealed class AppSecretConfiguration : IEntityTypeConfiguration<AppSecret>
{
    public void Configure(EntityTypeBuilder<AppSecret> secret)
    {
        secret.ToTable("AppSecrets");
        secret.HasKey(s => s.Id);
        secret.Property(s => s.Id).HasMaxLength(32);
        secret.Property(s => s.AppClientId).HasMaxLength(100);
        secret.Property(s => s.SecretHash).HasMaxLength(32);
        secret.HasIndex(s => s.AppClientId);
        secret.Property(s => s.CreatedAt).HasConversion(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));
        secret.Property(s => s.ExpiresAt).HasConversion(
            v => v.HasValue ? v.Value.ToUnixTimeMilliseconds() : (long?)null,
            v => v.HasValue ? DateTimeOffset.FromUnixTimeMilliseconds(v.Value) : null);
    }
}

public sealed class AppOriginConfiguration : IEntityTypeConfiguration<AppOrigin>
{
    public void Configure(EntityTypeBuilder<AppOrigin> origin)
    {
        origin.ToTable("AppOrigins");
        origin.HasKey(o => new { o.AppClientId, o.Origin });
        origin.Property(o => o.AppClientId).HasMaxLength(100);
        origin.Property(o => o.Origin).HasMaxLength(300);
        origin.HasIndex(o => o.Origin);
    }
}
