namespace StepUpIdp.Server.SignIn;

/// <summary>The IdP's own browser session (an SSO cookie), apart from the tokens it issues to apps.</summary>
public static class SessionDefaults
{
    public const string Scheme = "StepUpIdp.Session";
    public const string CookieName = "stepupidp.session";
    public const string SignInPath = "/account/signin";
    public const string SignOutPath = "/account/signout";
}
