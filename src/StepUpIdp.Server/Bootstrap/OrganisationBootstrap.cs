using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Organisations;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Passwords;
using StepUpIdp.Server.Passwords;

namespace StepUpIdp.Server.Bootstrap;

public abstract record BootstrapResult
{
    /// <summary>The organisation and its admin exist; the admin chooses a password at <paramref name="SetUpLink"/>.</summary>
    public sealed record Created(string OrganisationId, string AdminEmail, Uri SetUpLink, bool Renewed) : BootstrapResult;

    public sealed record Refused(string Reason) : BootstrapResult;
}

/// <summary>
/// Makes the first organisation and its first admin, who has no password until they follow the one-time set-up link.
/// It works on an empty directory only, so it cannot be used to slip an admin into a running one; run again with the
/// same organisation and address before the admin has chosen a password, it issues a fresh link.
/// </summary>
public sealed class OrganisationBootstrap(StepUpDbContext db, PasswordLinks links, AuditLog audit, TimeProvider clock)
{
    public async Task<BootstrapResult> RunAsync(string? orgId, string? orgName, string? adminEmail, string? adminName, Uri root, CancellationToken cancellationToken)
    {
        if (!OrganisationIdentity.IsValidId(orgId))
        {
            return new BootstrapResult.Refused("--org must be a lower-case id: letters, digits and inner hyphens, 2 to 64 characters (e.g. acme).");
        }

        if (!OrganisationIdentity.IsValidName(orgName))
        {
            return new BootstrapResult.Refused($"--name must be one line of 1 to {OrganisationIdentity.MaxNameLength} characters.");
        }

        if (!EmailAddress.IsPlausible(adminEmail))
        {
            return new BootstrapResult.Refused("--admin-email must be an email address.");
        }

        var email = EmailAddress.Canonical(adminEmail!);
        var normalized = EmailAddress.Normalize(email);
        if (await db.Organisations.AnyAsync(cancellationToken))
        {
            return await RenewAsync(orgId!, normalized, root, cancellationToken);
        }

        var now = clock.GetUtcNow();
        var account = await db.Accounts.SingleOrDefaultAsync(a => a.NormalizedEmail == normalized, cancellationToken);
        if (account is null)
        {
            account = new Account
            {
                Id = Guid.CreateVersion7().ToString("N"),
                Email = email,
                NormalizedEmail = normalized,
                Name = string.IsNullOrWhiteSpace(adminName) ? email[..email.IndexOf('@')] : adminName.Trim(),
                CreatedAt = now,
            };
            db.Accounts.Add(account);
        }

        db.Organisations.Add(new Organisation { Id = orgId!, Name = orgName!.Trim(), CreatedAt = now });
        db.OrganisationMembers.Add(new OrganisationMember { OrganisationId = orgId!, AccountId = account.Id, IsAdmin = true });
        var link = links.Stage(account.Id, PasswordLinkPurpose.SetPassword, root);
        audit.Stage(new AuditEvent(orgId!, "org.bootstrapped", "success", SubjectId: account.Id, Detail: $"first admin {email}"));
        await db.SaveChangesAsync(cancellationToken);
        return new BootstrapResult.Created(orgId!, email, link, Renewed: false);
    }

    private async Task<BootstrapResult> RenewAsync(string orgId, string normalizedEmail, Uri root, CancellationToken cancellationToken)
    {
        var admin = await (from member in db.OrganisationMembers
                           join account in db.Accounts on member.AccountId equals account.Id
                           where member.OrganisationId == orgId && member.IsAdmin && account.NormalizedEmail == normalizedEmail
                           select account).SingleOrDefaultAsync(cancellationToken);
        if (admin is null || admin.PasswordHash is not null)
        {
            return new BootstrapResult.Refused(
                "The directory already has an organisation. Bootstrap makes the first one only; its admins manage the rest.");
        }

        var link = links.Stage(admin.Id, PasswordLinkPurpose.SetPassword, root);
        audit.Stage(new AuditEvent(orgId, "org.bootstrap_link_renewed", "success", SubjectId: admin.Id));
        await db.SaveChangesAsync(cancellationToken);
        return new BootstrapResult.Created(orgId, admin.Email, link, Renewed: true);
    }
}
