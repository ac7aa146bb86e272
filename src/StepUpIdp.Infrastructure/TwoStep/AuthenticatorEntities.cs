using Microsoft.EntityFrameworkCore;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>An account's enrolled authenticator app (TOTP). At most one per account.</summary>
public sealed class AccountAuthenticator
{
    public required string AccountId { get; set; }

    /// <summary>The shared secret, encrypted with ASP.NET Core Data Protection (purpose bound to the account).</summary>
    public required string ProtectedSecret { get; set; }

    public DateTimeOffset EnrolledAt { get; set; }

    /// <summary>The newest accepted time step; an older or equal one is refused (RFC 6238 section 5.2).</summary>
    public long? LastUsedStep { get; set; }
}

/// <summary>One single-use recovery code, stored only as a hash.</summary>
public sealed class RecoveryCode
{
    public required string AccountId { get; set; }
    public int Slot { get; set; }
    public required string Hash { get; set; }
    public DateTimeOffset? UsedAt { get; set; }
}

/// <summary>The two-step verification tables, kept apart from the rest of the model.</summary>
internal static class TwoStepModel
{
    public static void Configure(ModelBuilder model)
    {
        model.Entity<AccountAuthenticator>(authenticator =>
        {
            authenticator.ToTable("AccountAuthenticators");
            authenticator.HasKey(a => a.AccountId);
            authenticator.Property(a => a.AccountId).HasMaxLength(32);
            authenticator.Property(a => a.ProtectedSecret).HasMaxLength(1024);
        });

        model.Entity<RecoveryCode>(code =>
        {
            code.ToTable("RecoveryCodes");
            code.HasKey(c => new { c.AccountId, c.Slot });
            code.Property(c => c.AccountId).HasMaxLength(32);
            code.Property(c => c.Hash).HasMaxLength(64);
            code.HasIndex(c => new { c.AccountId, c.Hash });
        });
    }
}
