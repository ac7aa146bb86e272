namespace StepUpIdp.Domain.Audit;

/// <summary>Stable names of audited actions. Reports and alerts depend on them: never rename.</summary>
public static class AuditActions
{
    /// <summary>A password sign-in of a known account: success, failure (wrong password, locked) or denied (deactivated).</summary>
    public const string SignedIn = "account.signed_in";
    public const string PasscodeSent = "verification.passcode_sent";
    public const string PasscodeSendRefused = "verification.passcode_send_refused";
    public const string PasscodeDeliveryFailed = "verification.passcode_delivery_failed";
    public const string Verified = "verification.verified";
    public const string VerificationFailed = "verification.failed";
    public const string VerificationLocked = "verification.locked";
    public const string VerificationUnlocked = "verification.unlocked";
    public const string VerificationReset = "verification.reset";
    public const string PolicyChanged = "policy.changed";
    public const string TotpEnrolled = "totp.enrolled";
    public const string TotpDisabled = "totp.disabled";
    public const string RecoveryCodeUsed = "totp.recovery_code_used";
    public const string GuestInvited = "guest.invited";
    public const string GuestChanged = "guest.changed";
    public const string GuestRemoved = "guest.removed";
    public const string GuestSignInRefused = "guest.sign_in_refused";
    public const string ApiTokenCreated = "api_token.created";
    public const string ApiTokenRevoked = "api_token.revoked";
    public const string ApiTokenExchanged = "api_token.exchanged";
    public const string ApiTokenRefused = "api_token.refused";
    public const string AccessEnded = "session.access_ended";
    /// <summary>A sign-in session ended: signed out, ended by the person or an admin, timed out, or replaced.</summary>
    public const string SessionEnded = "session.ended";
    public const string UserInvited = "user.invited";
    public const string UserAssignmentsChanged = "user.roles_changed";
    public const string UserDeactivated = "user.deactivated";
    public const string UserReactivated = "user.reactivated";
    public const string UserRemoved = "user.removed";
    public const string GroupCreated = "group.created";
    public const string GroupChanged = "group.changed";
    public const string GroupDeleted = "group.deleted";
    public const string GroupMemberAdded = "group.member_added";
    public const string GroupMemberRemoved = "group.member_removed";
}

/// <summary>How an audited action ended.</summary>
public static class AuditOutcomes
{
    public const string Success = "success";
    public const string Failure = "failure";
    public const string Denied = "denied";
}
