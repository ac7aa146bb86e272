using Microsoft.EntityFrameworkCore;
using StepUpIdp.Infrastructure.Data;

namespace StepUpIdp.Server.Passwords;

/// <summary>What a guesser knows about a person: their address, name and organisations, which a password must not be built from.</summary>
public static class PersonalDetails
{
    public static IEnumerable<string> Of(Account account, IEnumerable<(string Id, string Name)> organisations) =>
        new[] { account.Email, account.Name }.Concat(organisations.SelectMany(o => new[] { o.Id, o.Name }));

    public static async Task<IReadOnlyList<(string Id, string Name)>> OrganisationsOfAsync(StepUpDbContext db, string accountId, CancellationToken cancellationToken) =>
        (await (from member in db.OrganisationMembers.AsNoTracking()
                join organisation in db.Organisations.AsNoTracking() on member.OrganisationId equals organisation.Id
                where member.AccountId == accountId
                select new { organisation.Id, organisation.Name })
            .ToListAsync(cancellationToken))
        .Select(o => (o.Id, o.Name))
        .ToList();
}
