using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Guests;

namespace StepUpIdp.Server.Users;

/// <summary>
/// Runs a change of people, roles, groups or group members in one serializable transaction (retried on a conflict)
/// and keeps it only when it makes no new guests past the org's guest allowance, which
/// <see cref="GuestInvitations.CheckAllowanceAfterChangeAsync"/> decides, as for guest invitations. Refused: nothing
/// is written.
/// </summary>
public sealed class GuestAllowanceGuard(StepUpDbContext db, GuestDirectory directory, GuestInvitations invitations)
{
    public async Task<(T? Result, InvitationOutcome.OverAllowance? Refused)> RunAsync<T>(string organisationId, Func<CancellationToken, Task<T>> work,
        CancellationToken cancellationToken)
    {
        try
        {
            var result = await db.RunSerializableAsync(async ct =>
            {
                var before = await directory.ReadOrgRolesAsync(organisationId, ct);
                var done = await work(ct);
                await db.SaveChangesAsync(ct);
                if (await invitations.CheckAllowanceAfterChangeAsync(organisationId, before, ct) is { } over)
                {
                    // Leaving the transaction uncommitted rolls the change back.
                    throw new RefusedException(over);
                }

                return done;
            }, cancellationToken);
            return (result, null);
        }
        catch (RefusedException refused)
        {
            db.ChangeTracker.Clear();
            return (default, refused.Outcome);
        }
    }

    private sealed class RefusedException(InvitationOutcome.OverAllowance outcome) : Exception("Over the guest allowance.")
    {
        public InvitationOutcome.OverAllowance Outcome { get; } = outcome;
    }
}
