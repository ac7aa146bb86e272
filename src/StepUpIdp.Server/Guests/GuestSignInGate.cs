using Microsoft.EntityFrameworkCore;
using StepUpIdp.Domain.Audit;
using StepUpIdp.Domain.Guests;
using StepUpIdp.Infrastructure.Audit;
using StepUpIdp.Infrastructure.Data;
using StepUpIdp.Server.Oidc;
using StepUpIdp.Server.Tenancy;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace StepUpIdp.Server.Guests;

/// <summary>
/// The guest-only rules at the authorization endpoint: a guest with no space, or past its
/// access end, gets a page that says so instead of a code; a guest that gets through has its last sign-in noted.
/// The decision is <see cref="GuestAccess.CheckSignIn"/>; this class only gathers and writes.
/// </summary>
public sealed class GuestSignInGate(StepUpDbContext db, AuditLog audit, TimeProvider clock, ILogger<GuestSignInGate> logger)
{
    public const string AccessDeniedPath = "/account/guest-access";

    /// <summary>The refusal of a guest's sign-in, or null when the subject is no guest or may sign in.</summary>
    public static GuestDeniedReason? Refusal(SubjectFacts subject, DateTimeOffset now) =>
        subject.IsGuest && GuestAccess.CheckSignIn(subject.Spaces, subject.GuestAccessEndsAt, now) is GuestAccessDecision.Denied denied
            ? denied.Reason
            : null;

    /// <summary>What to answer instead of a code for a refused guest (the domain decided the refusal). Audits it.</summary>
    public async Task<IResult> RefuseAsync(SubjectFacts subject, OrganisationApp app, GuestDeniedReason reason, bool promptNone, string returnUrl, CancellationToken cancellationToken)
    {
        var why = Describe(reason);
        GuestLog.SignInRefused(logger, subject.AccountId, app.ClientId, why);
        await audit.WriteAsync(new AuditEvent(app.OrganisationId, AuditActions.GuestSignInRefused, AuditOutcomes.Denied,
            subject.AccountId, subject.AccountId, $"{app.ClientId}: {why}"), cancellationToken);

        // prompt=none must not show a page (OIDC Core 3.1.2.1); otherwise the person is told, in words, who to ask.
        return promptNone
            ? OidcResults.Error(Errors.AccessDenied, $"Guest access to {app.AppName} is not granted: {why}.")
            : Results.Redirect(AccessDeniedPath + "?returnUrl=" + Uri.EscapeDataString(returnUrl));
    }

    /// <summary>Notes when a guest last signed in, for the admin's guest list.</summary>
    public async Task RecordSignInAsync(SubjectFacts subject, OrganisationApp app, CancellationToken cancellationToken)
    {
        if (!subject.IsGuest)
        {
            return;
        }

        var now = clock.GetUtcNow();
        await db.GuestAssignments
            .Where(a => a.AppClientId == app.ClientId && a.AccountId == subject.AccountId)
            .ExecuteUpdateAsync(set => set.SetProperty(a => a.LastSignInAt, now), cancellationToken);
    }

    public static string Describe(GuestDeniedReason reason) => reason switch
    {
        GuestDeniedReason.Expired => "the guest's access has ended",
        GuestDeniedReason.NoSpaces => "the guest has no space assigned",
        _ => "guest access is not granted",
    };
}
