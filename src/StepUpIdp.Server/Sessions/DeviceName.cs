namespace StepUpIdp.Server.Sessions;

/// <summary>
/// "Firefox on Windows": enough of a User-Agent for a person to recognise their own browser on the sessions page.
/// It is only a label (anyone can send any User-Agent), never a security decision.
/// </summary>
public static class DeviceName
{
    private static readonly (string Token, string Name)[] Browsers =
    [
        ("Edg/", "Edge"), ("OPR/", "Opera"), ("Firefox/", "Firefox"), ("Chromium/", "Chromium"),
        ("HeadlessChrome/", "Chrome (headless)"), ("Chrome/", "Chrome"), ("Safari/", "Safari"), ("curl/", "curl"),
    ];

    private static readonly (string Token, string Name)[] Systems =
    [
        ("Windows", "Windows"), ("Android", "Android"), ("iPhone", "iPhone"), ("iPad", "iPad"),
        ("Mac OS X", "macOS"), ("CrOS", "ChromeOS"), ("Linux", "Linux"),
    ];

    public static string? Describe(string? userAgent)
    {
        if (string.IsNullOrWhiteSpace(userAgent))
        {
            return null;
        }

        var browser = Browsers.FirstOrDefault(b => userAgent.Contains(b.Token, StringComparison.Ordinal)).Name;
        var system = Systems.FirstOrDefault(s => userAgent.Contains(s.Token, StringComparison.Ordinal)).Name;
        return (browser, system) switch
        {
            (null, null) => userAgent.Length <= 60 ? userAgent : userAgent[..60] + "…",
            (not null, null) => browser,
            (null, not null) => $"A browser on {system}",
            _ => $"{browser} on {system}",
        };
    }
}
