using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.Extensions.Options;

namespace StepUpIdp.RelyingParty;

/// <summary>
/// Checks <see cref="StepUpIdpWebAppOptions"/> at start-up. A scheme name that matches none of the app's schemes
/// would hook nothing, silently: sessions would outlive <c>reverify_at</c> and back-channel logouts, and the
/// handler would drop <c>acr</c> so that every step-up page loops to the IdP.
/// </summary>
internal sealed class StepUpIdpWebAppOptionsValidation(IOptions<AuthenticationOptions> authentication) : IValidateOptions<StepUpIdpWebAppOptions>
{
    public ValidateOptionsResult Validate(string? name, StepUpIdpWebAppOptions options)
    {
        var failures = new List<string>();
        CheckScheme(nameof(options.CookieScheme), options.CookieScheme, typeof(CookieAuthenticationHandler), "a cookie", failures);
        CheckScheme(nameof(options.OpenIdConnectScheme), options.OpenIdConnectScheme, typeof(OpenIdConnectHandler), "an OpenIdConnect", failures);
        if (options.EndedSessionMemory <= TimeSpan.Zero)
        {
            failures.Add($"StepUpIdpWebAppOptions.EndedSessionMemory must be positive (it is {options.EndedSessionMemory}): at least as long as the app's sign-in sessions last.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private void CheckScheme(string key, string? scheme, Type handlerType, string kind, List<string> failures)
    {
        if (scheme is not null
            && authentication.Value.SchemeMap.TryGetValue(scheme, out var builder)
            && builder.HandlerType is { } type
            && handlerType.IsAssignableFrom(type))
        {
            return;
        }

        var registered = authentication.Value.Schemes
            .Where(s => s.HandlerType is { } type && handlerType.IsAssignableFrom(type))
            .Select(s => $"'{s.Name}'")
            .ToList();
        failures.Add(
            $"StepUpIdpWebAppOptions.{key}: '{scheme}' is not {kind} authentication scheme of this app "
            + $"({(registered.Count == 0 ? "it has none" : "it has " + string.Join(", ", registered))}). "
            + $"Name it in AddStepUpIdpWebApp(o => o.{key} = \"...\").");
    }
}
