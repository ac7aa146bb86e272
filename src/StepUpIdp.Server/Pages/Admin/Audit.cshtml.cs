using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Pages.Admin;

/// <summary><c>/admin/{org}/audit</c>: the org's audit log, newest first, <see cref="PageSize"/> entries a page.</summary>
public sealed class AuditModel(AuditLog audit, StepUpDbContext db) : OrgAdminPageModel
{
    public const int PageSize = 50;

    public AuditPage Entries { get; private set; } = new([], 1, PageSize, false);

    /// <summary>Emails of the actors and subjects on this page, by account id.</summary>
    public IReadOnlyDictionary<string, string> Emails { get; private set; } = new Dictionary<string, string>();

    public string Who(string? id) => id is null ? "—" : Emails.GetValueOrDefault(id) ?? id;

    public async Task OnGetAsync()
    {
        // "page" is also Razor Pages' own route value, so the query string is read directly.
        var page = int.TryParse(Request.Query["page"], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var asked) && asked >= 1
            ? asked
            : 1;
        Entries = await audit.ReadAsync(Org, page, PageSize, HttpContext.RequestAborted);
        var ids = Entries.Entries.SelectMany(e => new[] { e.ActorId, e.SubjectId }).OfType<string>().Distinct().ToList();
        Emails = await db.Accounts.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.Email, HttpContext.RequestAborted);
    }
}
