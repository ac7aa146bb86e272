using Microsoft.Playwright;

namespace StepUpIdp.Server.Tests.InChromium;

/// <summary>How every browser test starts Chromium: the binary <see cref="ChromiumFactAttribute"/> names, headless.</summary>
public static class Chromium
{
    /// <summary>Launches Chromium with <c>--no-sandbox</c> (CI runs as root) and any further switches.</summary>
    public static Task<IBrowser> LaunchAsync(IPlaywright playwright, params string[] switches) =>
        playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumFactAttribute.ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox", .. switches],
        });
}
