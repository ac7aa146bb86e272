using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace StepUpIdp.Infrastructure.Guests;

/// <summary>
/// What a guest of one app was given: the spaces it sees, when its access ends,
/// who invited it and when, and when it last signed in. The guest role itself is a
/// <see cref="Data.RoleGrant"/> with role guest; this row sits beside it and is removed with it.
/// </summary>
public sealed class GuestAssignment
{
    public required string AppClientId { get; set; }
    public required string AccountId { get; set; }

    /// <summary>Space keys of the app, in the order the admin gave them. Empty: on the guest list, but cannot sign in.</summary>
    public List<string> Spaces { get; set; } = [];

    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastSignInAt { get; set; }

    /// <summary>The admin account that invited the guest.</summary>
    public required string InvitedBy { get; set; }
    public DateTimeOffset InvitedAt { get; set; }
}

/// <summary>The table of <see cref="GuestAssignment"/>; applied by the DbContext so the guest feature stays in one place.</summary>
public sealed class GuestAssignmentConfiguration : IEntityTypeConfiguration<GuestAssignment>
{
    public void Configure(EntityTypeBuilder<GuestAssignment> assignment)
    {
        assignment.ToTable("GuestAssignments");
        assignment.HasKey(a => new { a.AppClientId, a.AccountId });
        assignment.Property(a => a.AppClientId).HasMaxLength(100);
        assignment.Property(a => a.AccountId).HasMaxLength(32);
        assignment.Property(a => a.InvitedBy).HasMaxLength(32);
        assignment.HasIndex(a => a.AccountId);
        // A primitive collection: a JSON array on SQLite, text[] on PostgreSQL. Spaces are never queried one by one.
        assignment.PrimitiveCollection(a => a.Spaces);
    }
}
