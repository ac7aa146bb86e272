namespace StepUpIdp.Infrastructure.Audit;

/// <summary>
/// One line of an organisation's audit log: who did what, when, to whom, and how it ended.
/// Never holds a passcode, secret or token.
/// </summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public required string OrganisationId { get; set; }
    /// <summary>The account (or client) that acted; null for the system itself.</summary>
    public string? ActorId { get; set; }
    public required string Action { get; set; }
    /// <summary>The account (or token, app) the action was about.</summary>
    public string? SubjectId { get; set; }
    public required string Outcome { get; set; }
    /// <summary>A short, human-readable detail (a rule, a reason, a changed field).</summary>
    public string? Detail { get; set; }
    /// <summary>The address the request came from; null for what no request caused (a background worker).</summary>
    public string? ClientAddress { get; set; }

    /// <summary>The line that records <paramref name="e"/> at <paramref name="at"/>, its detail cut to what the column holds.</summary>
    public static AuditEntry Of(AuditEvent e, DateTimeOffset at) => new()
    {
        At = at,
        OrganisationId = e.OrganisationId,
        ActorId = e.ActorId,
        Action = e.Action,
        SubjectId = e.SubjectId,
        Outcome = e.Outcome,
        Detail = e.Detail is { Length: > AuditLog.MaxDetailLength } d ? d[..AuditLog.MaxDetailLength] : e.Detail,
        ClientAddress = e.ClientAddress is { Length: > AuditLog.MaxClientAddressLength } a ? a[..AuditLog.MaxClientAddressLength] : e.ClientAddress,
    };
}
