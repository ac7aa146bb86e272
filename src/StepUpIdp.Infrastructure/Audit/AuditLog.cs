using Microsoft.AspNetCore.Http;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Infrastructure.Audit;

/// <summary>
/// What an audited action records; the time, and the client address of the request it happens in (unless given),
/// are added by <see cref="AuditLog"/>.
/// </summary>
public sealed record AuditEvent(string OrganisationId, string Action, string Outcome, string? ActorId = null, string? SubjectId = null, string? Detail = null,
    string? ClientAddress = null);

/// <summary>A page of audit entries, newest first.</summary>
public sealed record AuditPage(IReadOnlyList<AuditEntry> Entries, int Page, int PageSize, bool HasMore);

/// <summary>Writes and reads the audit log in the relational store (it must outlive Redis data).</summary>
public sealed class AuditLog(StepUpDbContext db, AuditGroupCommit groupCommit, IHttpContextAccessor requests, TimeProvider clock)
{
    public const int MaxDetailLength = 500;

    /// <summary>Room for any IPv6 address in text (45 characters).</summary>
    public const int MaxClientAddressLength = 64;

    /// <summary>
    /// Records the event and returns once it is committed. On its own it goes through <see cref="AuditGroupCommit"/>,
    /// together with other requests' lines; inside the caller's transaction, or with the caller's changes still
    /// unsaved, it is saved with them as before, so it commits (or rolls back) with what it describes.
    /// </summary>
    public async Task WriteAsync(AuditEvent auditEvent, CancellationToken cancellationToken)
    {
        auditEvent = WithClientAddress(auditEvent);
        if (db.Database.CurrentTransaction is null && !db.ChangeTracker.HasChanges())
        {
            await groupCommit.WriteAsync(auditEvent, clock.GetUtcNow(), cancellationToken);
            return;
        }

        db.AuditEntries.Add(ToEntry(auditEvent));
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Adds the event to the caller's unit of work: it is saved with the change it describes, or not at all.</summary>
    public void Stage(AuditEvent auditEvent) => db.AuditEntries.Add(ToEntry(WithClientAddress(auditEvent)));

    public async Task<AuditPage> ReadAsync(string organisationId, int page, int pageSize, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);

        // A page far past the end (page × size beyond what an offset can say) is simply empty, not an overflow.
        var skip = (long)(page - 1) * pageSize;
        if (skip > int.MaxValue - pageSize)
        {
            return new AuditPage([], page, pageSize, HasMore: false);
        }

        var entries = await db.AuditEntries.AsNoTracking()
            .Where(e => e.OrganisationId == organisationId)
            .OrderByDescending(e => e.Id)
            .Skip((int)skip)
            .Take(pageSize + 1)
            .ToListAsync(cancellationToken);
        var hasMore = entries.Count > pageSize;
        return new AuditPage(hasMore ? entries[..pageSize] : entries, page, pageSize, hasMore);
    }

    private AuditEntry ToEntry(AuditEvent e) => AuditEntry.Of(e, clock.GetUtcNow());

    /// <summary>
    /// The address the request came from (after the trusted proxies' <c>X-Forwarded-For</c>), read here once so no
    /// call site can forget it (docs/decisions.md, "Audit log"); null off a request (a background worker), unless the event names one.
    /// </summary>
    private AuditEvent WithClientAddress(AuditEvent e) =>
        e.ClientAddress is null && requests.HttpContext?.Connection.RemoteIpAddress is { } address
            ? e with { ClientAddress = (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() }
            : e;
}
