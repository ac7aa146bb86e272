using StepUpIdp.Testing;

namespace StepUpIdp.Server.Tests.InChromium;

/// <summary>
/// A test in a real Chromium (Debian's <c>chromium</c>, named by <c>STEPUPIDP_TEST_CHROMIUM</c>), driven by Playwright.
/// CI sets it and fails on a skip; Playwright never downloads a browser here.
/// </summary>
public sealed class ChromiumFactAttribute() : ServerFactAttribute(
    $"Set {Variable} to a Chromium binary (e.g. /usr/bin/chromium) to run the browser tests.", Variable)
{
    public const string Variable = "STEPUPIDP_TEST_CHROMIUM";

    public static string ExecutablePath => Environment.GetEnvironmentVariable(Variable)!;
}
