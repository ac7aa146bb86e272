using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Accounts;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.People;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Infrastructure.Email;
using StepUpIdp.Infrastructure.Passwords;
using StepUpIdp.Server.Passwords;

namespace StepUpIdp.Server.Users;

/// <summary>Which link an invited person was mailed.</summary>
public enum InvitationLink
{
    /// <summary>A single-use set-password link: the account has no password yet.</summary>
    SetPassword = 1,

    /// <summary>A sign-in link: the account already signs in with its own password.</summary>
    SignIn = 2,
}

public sealed record InvitedUser(string AccountId, string Email, UserType UserType, bool AccountCreated, InvitationLink Link, bool Emailed);

/// <summary>
/// Invites up to ten people to an organisation with roles on its apps and groups (docs/admin-guide.md, "People"):
/// each becomes a member; an account without a password gets a set-password link (internal invitees, and external ones
/// new to the IdP), everyone else a sign-in link. One serializable transaction with its audit lines, under the guest
/// allowance (a guest group makes guests); the emails go after it commits.
/// </summary>
public sealed class UserInvitations(
    StepUpDbContext db,
    GuestAllowanceGuard guard,
    PasswordLinks links,
    AuditLog audit,
    IEmailSender email,
    TimeProvider clock,
    ILogger<UserInvitations> logger)
{
    public async Task<(PersonOutcome Outcome, IReadOnlyList<InvitedUser> People)> InviteAsync(string organisationId, string adminId,
        IReadOnlyList<string?>? emails, IReadOnlyDictionary<string, string?>? roles, IReadOnlyList<string?>? groups, Uri root,
        CancellationToken cancellationToken)
    {
        var (addresses, errors) = UserInvitationRules.ValidateEmails(emails);
        var assignments = await AssignmentWriter.ValidateAsync(db, organisationId, roles, groups, errors, cancellationToken);
        if (errors.Count > 0)
        {
            return (new PersonOutcome.Invalid(errors.ToDictionary()), []);
        }

        var domains = await db.OrganisationDomains.AsNoTracking().Where(d => d.OrganisationId == organisationId).Select(d => d.Domain).ToListAsync(cancellationToken);
        var (result, refused) = await guard.RunAsync(organisationId, async ct =>
            await AssignmentWriter.StillValidAsync(db, organisationId, roles, groups, ct) is { } gone
                ? (Staged: null, Stale: gone)
                : (Staged: await StageAsync(organisationId, adminId, addresses, assignments, domains, root, ct), Stale: (FieldErrors?)null),
            cancellationToken);
        if (refused is not null)
        {
            return (new PersonOutcome.OverAllowance(refused), []);
        }

        if (result.Stale is not null)
        {
            // An app or group named was removed while the invitation was being written: nothing was.
            return (new PersonOutcome.Invalid(result.Stale.ToDictionary()), []);
        }

        var staged = result.Staged!;

        var orgName = (await db.Organisations.AsNoTracking().SingleAsync(o => o.Id == organisationId, cancellationToken)).Name;
        var people = new List<InvitedUser>();
        foreach (var (person, link) in staged)
        {
            var message = person.Link == InvitationLink.SetPassword
                ? PasswordLinkEmail.Compose(PasswordLinkPurpose.SetPassword, orgName, link, PasswordLinks.Lifetime, person.Email)
                : UserInvitationEmail.Compose(orgName, link, person.Email);
            people.Add(person with { Emailed = await SendAsync(message, cancellationToken) });
        }

        return (new PersonOutcome.Done(), people);
    }

    private async Task<List<(InvitedUser Person, Uri Link)>> StageAsync(string organisationId, string adminId, IReadOnlyList<string> addresses,
        Assignments assignments, IReadOnlyList<string> domains, Uri root, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var normalized = addresses.Select(EmailAddress.Normalize).ToList();
        var accounts = await db.Accounts.Where(a => normalized.Contains(a.NormalizedEmail)).ToDictionaryAsync(a => a.NormalizedEmail, ct);
        var staged = new List<(InvitedUser, Uri)>();
        foreach (var address in addresses)
        {
            var account = accounts.GetValueOrDefault(EmailAddress.Normalize(address));
            var created = account is null;
            if (account is null)
            {
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

            await AssignmentWriter.AddAsync(db, organisationId, account.Id, assignments, ct);
            var userType = AccountClassifier.Classify(address, domains);
            var (kind, link) = account.PasswordHash is null
                ? (InvitationLink.SetPassword, links.Stage(account.Id, PasswordLinkPurpose.SetPassword, root))
                : (InvitationLink.SignIn, new Uri(root, "account/signin"));
            audit.Stage(new AuditEvent(organisationId, AuditActions.UserInvited, AuditOutcomes.Success, adminId, account.Id,
                $"{userType.ToClaimValue()}{(created ? ", new account" : "")}; {AssignmentWriter.Describe(assignments)}; "
                + (kind == InvitationLink.SetPassword ? "set-password link" : "sign-in link")));
            staged.Add((new InvitedUser(account.Id, account.Email, userType, created, kind, false), link));
        }

        return staged;
    }

    private async Task<bool> SendAsync(EmailMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await email.SendAsync(message, cancellationToken);
            return true;
        }
        catch (EmailDeliveryException ex)
        {
            // The person is invited; the answer says the email did not go.
            PeopleLog.InvitationDeliveryFailed(logger, message.To[(message.To.LastIndexOf('@') + 1)..], ex);
            return false;
        }
    }
}

internal static partial class PeopleLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Warning, Message = "An invitation to an address at {Domain} could not be sent.")]
    public static partial void InvitationDeliveryFailed(ILogger logger, string domain, Exception exception);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Sessions could not be ended after an admin action; the account is refused at its next request anyway.")]
    public static partial void SessionsNotEnded(ILogger logger, Exception exception);
}
