using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;

namespace StepUpIdp.Infrastructure.Data;

/// <summary>
/// Accounts stored before addresses kept their domain in canonical form (lower-case ASCII, docs/admin-guide.md,
/// "People") are rewritten to it once, when the schema is migrated: an account stored as <c>p@Bücher.example</c> is then
/// found again by either spelling. Where an account of the canonical form exists too, both are left as they are and
/// named, for an admin to keep one (the rewrite would make two accounts one address).
/// </summary>
public static class CanonicalAddresses
{
    public sealed record Outcome(int Rewritten, IReadOnlyList<string> ConflictingAccountIds);

    public static async Task<Outcome> RewriteAsync(StepUpDbContext db, CancellationToken cancellationToken)
    {
        var rewritten = 0;
        var conflicts = new List<string>();
        var stale = new List<(string Id, string Email, string Normalized)>();
        await foreach (var account in db.Accounts.AsNoTracking().Select(a => new { a.Id, a.Email, a.NormalizedEmail }).AsAsyncEnumerable().WithCancellation(cancellationToken))
        {
            if (EmailAddress.Normalize(account.Email) is var normalized && normalized != account.NormalizedEmail)
            {
                stale.Add((account.Id, EmailAddress.Canonical(account.Email), normalized));
            }
        }

        foreach (var (id, email, normalized) in stale)
        {
            if (await db.Accounts.AnyAsync(a => a.NormalizedEmail == normalized && a.Id != id, cancellationToken))
            {
                conflicts.Add(id);
                continue;
            }

            rewritten += await db.Accounts.Where(a => a.Id == id)
                .ExecuteUpdateAsync(a => a.SetProperty(x => x.Email, email).SetProperty(x => x.NormalizedEmail, normalized), cancellationToken);
        }

        return new Outcome(rewritten, conflicts);
    }
}
