namespace StepUpIdp.Server.Users;

/// <summary>
/// An admin's change to one person (docs/admin-guide.md, "People"); a null part is left as it is.
/// </summary>
/// <param name="Roles">User and admin roles by app client id, replacing the direct ones.</param>
/// <param name="Groups">Group ids, replacing the person's groups.</param>
/// <param name="Deactivated">True to deactivate the account, false to reactivate it (accounts the org manages).</param>
public sealed record PersonChange(IReadOnlyDictionary<string, string?>? Roles, IReadOnlyList<string?>? Groups, bool? Deactivated);
