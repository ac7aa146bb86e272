using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace StepUpIdp.Infrastructure.ApiTokens;

/// <summary>
/// A personal API token of one account in one organisation. Holds only a SHA-256
/// hash of the secret; the secret itself is shown once, at creation, and never stored.
/// </summary>
public sealed class ApiToken
{
    /// <summary>The lookup id embedded in the presented token (<see cref="ApiTokenSecret"/>); not secret.</summary>
    public required string Id { get; set; }
    public required string OrganisationId { get; set; }
    public required string AccountId { get; set; }
    public required string Name { get; set; }
    public required byte[] SecretHash { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset ExpiresAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    /// <summary>Written in batches by <see cref="ApiTokenUsage"/>, never on the exchange itself.</summary>
    public DateTimeOffset? LastUsedAt { get; set; }
}

/// <summary>Table mapping; applied by <c>StepUpDbContext</c>.</summary>
public sealed class ApiTokenConfiguration : IEntityTypeConfiguration<ApiToken>
{
    public const int MaxNameLength = 100;

    // SQLite cannot compare or order DateTimeOffset values; Unix milliseconds work the same on both providers.
    private static readonly ValueConverter<DateTimeOffset, long> UnixMilliseconds =
        new(v => v.ToUnixTimeMilliseconds(), v => DateTimeOffset.FromUnixTimeMilliseconds(v));

    public void Configure(EntityTypeBuilder<ApiToken> token)
    {
        token.ToTable("ApiTokens");
        token.HasKey(t => t.Id);
        token.Property(t => t.Id).HasMaxLength(ApiTokenSecret.IdLength);
        token.Property(t => t.OrganisationId).HasMaxLength(64);
        token.Property(t => t.AccountId).HasMaxLength(32);
        token.Property(t => t.Name).HasMaxLength(MaxNameLength);
        token.Property(t => t.SecretHash).HasMaxLength(32);
        token.HasIndex(t => new { t.AccountId, t.OrganisationId });
        token.Property(t => t.CreatedAt).HasConversion(UnixMilliseconds);
        token.Property(t => t.ExpiresAt).HasConversion(UnixMilliseconds);
        token.Property(t => t.RevokedAt).HasConversion(UnixMilliseconds);
        token.Property(t => t.LastUsedAt).HasConversion(UnixMilliseconds);
    }
}
