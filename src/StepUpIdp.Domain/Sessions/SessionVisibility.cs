namespace StepUpIdp.Domain.Sessions;

/// <summary>
/// Which of a person's sessions an organisation's admins see (docs/admin-guide.md, "People"): every one when the org
/// manages the account; otherwise only those the org has a part in, a verification for it or tokens of one of its apps.
/// Another organisation's sign-ins of the same person (device, address, times) are not this org's to see.
/// </summary>
public static class SessionVisibility
{
    public static bool SeenBy(SignInSession session, string organisationId, IReadOnlyCollection<string> organisationClientIds, bool managesAccount) =>
        managesAccount
        || session.Verifications.Any(v => v.OrganisationId == organisationId)
        || session.Clients.Any(organisationClientIds.Contains);
}
