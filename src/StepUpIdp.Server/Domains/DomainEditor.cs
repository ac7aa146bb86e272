using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Organisations;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Domains;
using StepUpIdp.Server.Tenancy;

namespace StepUpIdp.Server.Domains;

/// <summary>A domain of an organisation: pending (with the record to publish) or verified, and who it classifies.</summary>
/// <param name="Removed">The answer to a removal: the domain is gone, and <paramref name="People"/> are those it made external.</param>
public sealed record DomainListing(string Domain, bool Verified, DomainVerificationRecord? Record, IReadOnlyList<OrganisationPerson> People, bool Removed = false);

public abstract record DomainOutcome
{
    public sealed record Done(DomainListing Domain) : DomainOutcome;
    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : DomainOutcome;
    public sealed record Duplicate(IReadOnlyDictionary<string, string[]> Errors) : DomainOutcome;
    public sealed record NotFound : DomainOutcome;
    public sealed record Unverifiable(IReadOnlyDictionary<string, string[]> Errors, DomainVerificationRecord Record) : DomainOutcome;
    public sealed record DnsUnavailable(string Reason) : DomainOutcome;
}

/// <summary>
/// Adds, verifies and removes an organisation's domains, for the admin API and pages alike. A verified domain makes
/// the org's people with addresses on it internal (and managed) at once, because classification reads the verified
/// domains on every decision; removing it makes them external. <see cref="DomainListing.People"/> names who that is.
/// </summary>
public sealed class DomainEditor(StepUpDbContext db, DnsTxtLookup dns, OrganisationPeople people, AuditLog audit, TimeProvider clock)
{
    public async Task<IReadOnlyList<DomainListing>> ListAsync(string orgId, CancellationToken cancellationToken)
    {
        var everyone = await people.ListAsync(orgId, cancellationToken);
        var verified = await db.OrganisationDomains.AsNoTracking().Where(d => d.OrganisationId == orgId).Select(d => d.Domain).ToListAsync(cancellationToken);
        var pending = await db.DomainClaims.AsNoTracking().Where(c => c.OrganisationId == orgId).ToListAsync(cancellationToken);
        return verified.Select(d => new DomainListing(d, true, null, On(everyone, d)))
            .Concat(pending.Select(c => new DomainListing(c.Domain, false, DomainVerification.RecordFor(c.Domain, c.Token), On(everyone, c.Domain))))
            .OrderBy(d => d.Domain, StringComparer.Ordinal)
            .ToList();
    }

    public async Task<DomainOutcome> FindAsync(string orgId, string? domain, CancellationToken cancellationToken)
    {
        var name = DomainVerification.Normalize(domain);
        var found = name is null ? null : (await ListAsync(orgId, cancellationToken)).SingleOrDefault(d => d.Domain == name);
        return found is null ? new DomainOutcome.NotFound() : new DomainOutcome.Done(found);
    }

    public async Task<DomainOutcome> AddAsync(string orgId, string actorId, string? domain, CancellationToken cancellationToken)
    {
        var name = DomainVerification.Normalize(domain);
        if (name is null)
        {
            return new DomainOutcome.Invalid(Error("A domain name such as acme.example: letters, digits and hyphens in two or more dot-separated labels."));
        }

        // Checked and added in one serializable transaction (retried on a conflict): added once, however many arrive together.
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        var duplicate = await db.RunSerializableAsync<DomainOutcome?>(async ct =>
        {
            if (await db.OrganisationDomains.AnyAsync(d => d.OrganisationId == orgId && d.Domain == name, ct)
                || await db.DomainClaims.AnyAsync(c => c.OrganisationId == orgId && c.Domain == name, ct))
            {
                return new DomainOutcome.Duplicate(Error($"{name} is already a domain of this organisation."));
            }

            if (await db.OrganisationDomains.AnyAsync(d => d.Domain == name, ct))
            {
                return new DomainOutcome.Duplicate(Error($"{name} is verified by another organisation; it can belong to one only."));
            }

            db.DomainClaims.Add(new DomainClaim { OrganisationId = orgId, Domain = name, Token = token, CreatedAt = clock.GetUtcNow() });
            audit.Stage(new AuditEvent(orgId, "domain.added", "success", ActorId: actorId, Detail: name));
            return null;
        }, cancellationToken);
        if (duplicate is not null)
        {
            return duplicate;
        }

        var everyone = await people.ListAsync(orgId, cancellationToken);
        return new DomainOutcome.Done(new DomainListing(name, false, DomainVerification.RecordFor(name, token), On(everyone, name)));
    }

    public async Task<DomainOutcome> VerifyAsync(string orgId, string actorId, string? domain, CancellationToken cancellationToken)
    {
        var name = DomainVerification.Normalize(domain);
        var claim = name is null ? null : await db.DomainClaims.SingleOrDefaultAsync(c => c.OrganisationId == orgId && c.Domain == name, cancellationToken);
        if (claim is null)
        {
            return name is not null && await db.OrganisationDomains.AnyAsync(d => d.OrganisationId == orgId && d.Domain == name, cancellationToken)
                ? await FindAsync(orgId, name, cancellationToken) // verified already: nothing to do
                : new DomainOutcome.NotFound();
        }

        var record = DomainVerification.RecordFor(claim.Domain, claim.Token);
        var answer = await dns.QueryAsync(record.Name, cancellationToken);
        if (answer is TxtAnswer.Failed failed)
        {
            await audit.WriteAsync(new AuditEvent(orgId, "domain.verified", "failure", ActorId: actorId, Detail: $"{claim.Domain}: DNS unavailable"), cancellationToken);
            return new DomainOutcome.DnsUnavailable(failed.Reason);
        }

        if (answer is not TxtAnswer.Found found || !DomainVerification.IsProven(found.Values, claim.Token))
        {
            await audit.WriteAsync(new AuditEvent(orgId, "domain.verified", "failure", ActorId: actorId, Detail: $"{claim.Domain}: record not found"), cancellationToken);
            return new DomainOutcome.Unverifiable(
                Error($"No TXT record \"{record.Value}\" was found at {record.Name}. Publish it, wait for DNS to pass it on, and try again."), record);
        }

        // The DNS answer is in; the claim is read again and turned into a verified domain in one serializable
        // transaction (retried on a conflict), so two verifications at once make one domain and one audit line, and
        // another organisation verifying it at the same moment is answered as a duplicate (the unique index decides).
        var proven = claim.Domain;
        return await db.RunSerializableAsync<DomainOutcome>(async ct =>
        {
            var current = await db.DomainClaims.SingleOrDefaultAsync(c => c.OrganisationId == orgId && c.Domain == proven && c.Token == claim.Token, ct);
            if (current is null)
            {
                return await db.OrganisationDomains.AnyAsync(d => d.OrganisationId == orgId && d.Domain == proven, ct)
                    ? await FindAsync(orgId, proven, ct) // verified at the same moment: nothing to do
                    : new DomainOutcome.NotFound();
            }

            if (await db.OrganisationDomains.AnyAsync(d => d.Domain == proven, ct))
            {
                return new DomainOutcome.Duplicate(Error($"{proven} is verified by another organisation; it can belong to one only."));
            }

            var before = await people.ListAsync(orgId, ct);
            db.DomainClaims.Remove(current);
            db.OrganisationDomains.Add(new OrganisationDomain { OrganisationId = orgId, Domain = proven });
            var changed = On(before, proven);
            audit.Stage(new AuditEvent(orgId, "domain.verified", "success", ActorId: actorId, Detail: $"{proven}; now internal: {Names(changed)}"));
            return new DomainOutcome.Done(new DomainListing(proven, true, null, changed));
        }, cancellationToken);
    }

    public async Task<DomainOutcome> RemoveAsync(string orgId, string actorId, string? domain, CancellationToken cancellationToken)
    {
        var name = DomainVerification.Normalize(domain);
        if (name is null)
        {
            return new DomainOutcome.NotFound();
        }

        // Removed once, with one audit line, however many removals arrive together (the others find nothing).
        return await db.RunSerializableAsync<DomainOutcome>(async ct =>
        {
            var verified = await db.OrganisationDomains.SingleOrDefaultAsync(d => d.OrganisationId == orgId && d.Domain == name, ct);
            var claim = await db.DomainClaims.SingleOrDefaultAsync(c => c.OrganisationId == orgId && c.Domain == name, ct);
            if (verified is null && claim is null)
            {
                return new DomainOutcome.NotFound();
            }

            var changed = verified is null ? [] : On(await people.ListAsync(orgId, ct), name);
            if (verified is not null)
            {
                db.OrganisationDomains.Remove(verified);
            }

            if (claim is not null)
            {
                db.DomainClaims.Remove(claim);
            }

            audit.Stage(new AuditEvent(orgId, "domain.removed", "success", ActorId: actorId,
                Detail: verified is null ? $"{name} (pending)" : $"{name}; now external: {Names(changed)}"));
            // Read while the domain was verified: from now on they are external.
            return new DomainOutcome.Done(new DomainListing(name, false, null, [.. changed.Select(p => p with { UserType = UserType.External })], Removed: true));
        }, cancellationToken);
    }

    /// <summary>The org's people whose address is on the domain: internal while it is verified, external otherwise. Guests stay external.</summary>
    private static List<OrganisationPerson> On(IEnumerable<OrganisationPerson> everyone, string domain) =>
        everyone.Where(p => !p.IsGuestSomewhere && string.Equals(EmailAddress.DomainOf(p.Email), domain, StringComparison.OrdinalIgnoreCase)).ToList();

    private static string Names(IReadOnlyCollection<OrganisationPerson> people) =>
        people.Count == 0 ? "nobody" : string.Join(", ", people.Select(p => p.Email));

    private static Dictionary<string, string[]> Error(string message) => new() { ["domain"] = [message] };
}
