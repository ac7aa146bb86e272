using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Guests;
using StepUpIdp.Domain.Roles;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Guests;

namespace StepUpIdp.Server.Guests;

/// <summary>What became of one invited address.</summary>
public enum InvitationResult
{
    /// <summary>Now a guest of the app (the account was created when the address was new).</summary>
    Invited = 1,

    /// <summary>Already a guest of the app; nothing changed (change spaces with PUT).</summary>
    AlreadyGuest = 2,

    /// <summary>Holds the user or admin role on the app, directly or through a group: a user, not a guest. Nothing changed.</summary>
    AlreadyUser = 3,
}

public sealed record InvitedPerson(string AccountId, string Email, InvitationResult Result, AppRole Role, bool AccountCreated, bool Emailed);

/// <summary>The answer to an invitation: exactly one of the nested cases. Nothing is written unless it is <see cref="Done"/>.</summary>
public abstract record InvitationOutcome
{
    private InvitationOutcome()
    {
    }

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : InvitationOutcome;

    public sealed record OverAllowance(GuestAllowanceDecision.Refused Refusal, int CurrentGuests, int SeatHolders, int NewGuests, int PerSeat)
        : InvitationOutcome;

    public sealed record Done(IReadOnlyList<InvitedPerson> People) : InvitationOutcome;
}

/// <summary>The answer to a change or removal of one guest.</summary>
public abstract record GuestChangeOutcome
{
    private GuestChangeOutcome()
    {
    }

    public sealed record NotFound : GuestChangeOutcome;

    public sealed record Invalid(IReadOnlyDictionary<string, string[]> Errors) : GuestChangeOutcome;

    public sealed record Done : GuestChangeOutcome;
}

/// <summary>
/// Invites, changes and removes guests of an app. Each call is one transaction with
/// its audit lines: refused whole, or done whole.
/// </summary>
public sealed class GuestInvitations(
    StepUpDbContext db,
    GuestDirectory directory,
    AuditLog audit,
    IEmailSender email,
    IOptions<GuestOptions> options,
    TimeProvider clock,
    ILogger<GuestInvitations> logger)
{
    public async Task<InvitationOutcome> InviteAsync(
        string adminId, App app, IReadOnlyList<string>? emails, IReadOnlyList<string>? spaces, DateTimeOffset? expiresAt,
        Uri signInUrl, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var appSpaces = app.Spaces.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var validation = GuestInvitationRules.Validate(emails ?? [], spaces ?? [], appSpaces, expiresAt, now);
        if (validation is GuestInvitationValidation.Invalid invalid)
        {
            return new InvitationOutcome.Invalid(invalid.Errors);
        }

        var valid = (GuestInvitationValidation.Valid)validation;

        // Counting and adding in one serializable transaction (retried when a concurrent one wins): two invitations at
        // once cannot both slip under the allowance.
        var staged = await db.RunSerializableAsync(ct => StageInvitationsAsync(adminId, app, valid, now, ct), cancellationToken);
        if (staged.Refused is { } refusedOutcome)
        {
            return refusedOutcome;
        }

        var orgName = (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == app.OrganisationId, cancellationToken)).Name;
        var done = new List<InvitedPerson>(staged.Answered.Count);
        foreach (var (person, send) in staged.Answered)
        {
            done.Add(send ? person with { Emailed = await SendInvitationAsync(orgName, app, signInUrl, valid, person.Email, cancellationToken) } : person);
        }

        return new InvitationOutcome.Done(done);
    }

    /// <summary>Reads the org's roles, decides, and stages the new guests with their audit lines; saves nothing itself.</summary>
    private async Task<(InvitationOutcome? Refused, List<(InvitedPerson Person, bool Send)> Answered)> StageInvitationsAsync(
        string adminId, App app, GuestInvitationValidation.Valid valid, DateTimeOffset now, CancellationToken ct)
    {
        var roles = await directory.ReadOrgRolesAsync(app.OrganisationId, ct);
        var normalized = valid.Emails.Select(EmailAddress.Normalize).ToList();
        var accounts = await db.Accounts.Where(a => normalized.Contains(a.NormalizedEmail)).ToDictionaryAsync(a => a.NormalizedEmail, ct);
        var seats = roles.SeatHolders;
        var guests = roles.Guests;

        var people = new List<(string Email, Account? Account, InvitationResult Result, AppRole Role)>();
        foreach (var address in valid.Emails)
        {
            var account = accounts.GetValueOrDefault(EmailAddress.Normalize(address));
            var role = account is null ? null : roles.On(account.Id, app.ClientId);
            var result = role switch
            {
                >= AppRole.User => InvitationResult.AlreadyUser,
                AppRole.Guest => InvitationResult.AlreadyGuest,
                _ => InvitationResult.Invited,
            };
            people.Add((address, account, result, role ?? AppRole.Guest));
        }

        var newGuests = people.Count(p => p.Result == InvitationResult.Invited
            && (p.Account is null || (!guests.Contains(p.Account.Id) && !seats.Contains(p.Account.Id))));
        var perSeat = options.Value.AllowancePerSeat;
        if (GuestAllowance.Check(guests.Count, seats.Count, newGuests, perSeat) is GuestAllowanceDecision.Refused refused)
        {
            return (new InvitationOutcome.OverAllowance(refused, guests.Count, seats.Count, newGuests, perSeat), []);
        }

        var answered = new List<(InvitedPerson Person, bool Send)>();
        foreach (var (address, existing, result, role) in people)
        {
            var account = existing;
            if (result == InvitationResult.Invited)
            {
                if (account is null)
                {
                    // Passwordless: a guest signs in with emailed passcodes only.
                    account = new Account
                    {
                        Id = Guid.NewGuid().ToString("N"),
                        Email = address,
                        NormalizedEmail = EmailAddress.Normalize(address),
                        Name = address[..address.IndexOf('@')],
                        CreatedAt = now,
                    };
                    db.Accounts.Add(account);
                }

                db.RoleGrants.Add(new RoleGrant { AppClientId = app.ClientId, AccountId = account.Id, Role = AppRole.Guest });
                db.GuestAssignments.Add(new GuestAssignment
                {
                    AppClientId = app.ClientId,
                    AccountId = account.Id,
                    Spaces = [.. valid.Spaces],
                    ExpiresAt = valid.ExpiresAt,
                    InvitedBy = adminId,
                    InvitedAt = now,
                });
                audit.Stage(new AuditEvent(app.OrganisationId, AuditActions.GuestInvited, AuditOutcomes.Success, adminId, account.Id,
                    $"{app.ClientId}: {Describe(valid.Spaces, valid.ExpiresAt)}{(existing is null ? "; new passwordless account" : "")}"));
            }

            answered.Add((new InvitedPerson(account?.Id ?? string.Empty, account?.Email ?? address, result, role, existing is null && account is not null, false),
                result == InvitationResult.Invited));
        }

        return (null, answered);
    }

    /// <summary>
    /// The guest allowance after a change of roles, groups or group members that the caller staged and saved, but has
    /// not committed, in its serializable transaction: refused when it made new guests past the allowance. Counted the
    /// same way as an invitation (<see cref="GuestDirectory.ReadOrgRolesAsync"/>, <see cref="GuestAllowance"/>).
    /// </summary>
    /// <param name="before">The org's roles read in the same transaction before the change.</param>
    public async Task<InvitationOutcome.OverAllowance?> CheckAllowanceAfterChangeAsync(string organisationId, OrgRoles before, CancellationToken cancellationToken)
    {
        var after = await directory.ReadOrgRolesAsync(organisationId, cancellationToken);
        var newGuests = after.Guests.Count(g => !before.Guests.Contains(g));
        if (newGuests == 0)
        {
            return null;
        }

        var perSeat = options.Value.AllowancePerSeat;
        var current = after.Guests.Count - newGuests;
        var seats = after.SeatHolders.Count;
        return GuestAllowance.Check(current, seats, newGuests, perSeat) is GuestAllowanceDecision.Refused refused
            ? new InvitationOutcome.OverAllowance(refused, current, seats, newGuests, perSeat)
            : null;
    }

    public async Task<GuestChangeOutcome> ChangeAsync(
        string adminId, App app, string accountId, IReadOnlyList<string>? spaces, DateTimeOffset? expiresAt, bool expiresAtGiven,
        CancellationToken cancellationToken)
    {
        if (!await IsGuestAsync(app, accountId, cancellationToken))
        {
            return new GuestChangeOutcome.NotFound();
        }

        var appSpaces = app.Spaces.Select(s => s.Key).ToHashSet(StringComparer.Ordinal);
        var validation = GuestChangeRules.Validate(spaces, appSpaces, expiresAt, expiresAtGiven, clock.GetUtcNow());
        if (validation is GuestChangeValidation.Invalid invalid)
        {
            return new GuestChangeOutcome.Invalid(invalid.Errors);
        }

        var valid = (GuestChangeValidation.Valid)validation;
        // Serializable (retried on a conflict): a removal at the same moment comes wholly before (not found) or after.
        return await db.RunSerializableAsync<GuestChangeOutcome>(async ct =>
        {
            if (!await IsGuestAsync(app, accountId, ct))
            {
                return new GuestChangeOutcome.NotFound();
            }

            var assignment = await db.GuestAssignments.FindAsync([app.ClientId, accountId], ct);
            if (assignment is null)
            {
                // A guest grant made without an invitation (demo data, an import): give it its row now.
                assignment = new GuestAssignment { AppClientId = app.ClientId, AccountId = accountId, InvitedBy = adminId, InvitedAt = clock.GetUtcNow() };
                db.GuestAssignments.Add(assignment);
            }

            var before = Describe(assignment.Spaces, assignment.ExpiresAt);
            assignment.Spaces = [.. valid.Spaces];
            if (expiresAtGiven)
            {
                assignment.ExpiresAt = valid.ExpiresAt;
            }

            audit.Stage(new AuditEvent(app.OrganisationId, AuditActions.GuestChanged, AuditOutcomes.Success, adminId, accountId,
                $"{app.ClientId}: {before} -> {Describe(assignment.Spaces, assignment.ExpiresAt)}"));
            return new GuestChangeOutcome.Done();
        }, cancellationToken);
    }

    public async Task<GuestChangeOutcome> RemoveAsync(string adminId, App app, string accountId, CancellationToken cancellationToken)
    {
        // Removed once, with one audit line, however many removals arrive together (the others find no guest).
        return await db.RunSerializableAsync<GuestChangeOutcome>(async ct =>
        {
            var grant = await db.RoleGrants.SingleOrDefaultAsync(
                g => g.AppClientId == app.ClientId && g.AccountId == accountId && g.Role == AppRole.Guest, ct);
            if (grant is null)
            {
                return new GuestChangeOutcome.NotFound();
            }

            db.RoleGrants.Remove(grant);
            if (await db.GuestAssignments.FindAsync([app.ClientId, accountId], ct) is { } assignment)
            {
                db.GuestAssignments.Remove(assignment);
            }

            // The account stays: it may be a guest of other apps or act in other organisations.
            audit.Stage(new AuditEvent(app.OrganisationId, AuditActions.GuestRemoved, AuditOutcomes.Success, adminId, accountId, $"{app.ClientId}: guest removed"));
            return new GuestChangeOutcome.Done();
        }, cancellationToken);
    }

    private Task<bool> IsGuestAsync(App app, string accountId, CancellationToken cancellationToken) =>
        db.RoleGrants.AnyAsync(g => g.AppClientId == app.ClientId && g.AccountId == accountId && g.Role == AppRole.Guest, cancellationToken);

    private async Task<bool> SendInvitationAsync(string orgName, App app, Uri signInUrl, GuestInvitationValidation.Valid invitation, string to,
        CancellationToken cancellationToken)
    {
        try
        {
            await email.SendAsync(GuestInvitationEmail.Compose(orgName, app.Name, signInUrl, invitation.Spaces, invitation.ExpiresAt, to), cancellationToken);
            return true;
        }
        catch (EmailDeliveryException ex)
        {
            // The guest exists; the answer says the email did not go, and the admin can share the sign-in link.
            GuestLog.InvitationDeliveryFailed(logger, to[(to.LastIndexOf('@') + 1)..], app.ClientId, ex);
            return false;
        }
    }

    private static string Describe(IReadOnlyList<string> spaces, DateTimeOffset? expiresAt) =>
        $"spaces [{string.Join(", ", spaces)}], "
        + (expiresAt is { } at ? "access ends " + at.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "no end date");
}
