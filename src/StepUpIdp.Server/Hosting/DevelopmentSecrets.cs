using System.Security.Cryptography;

namespace StepUpIdp.Server.Hosting;

/// <summary>
/// Secrets a production node must be given (fail closed: start-up stops naming the key) and that
/// Development generates once and keeps in the data folder, so the one-command start works.
/// </summary>
internal static class DevelopmentSecrets
{
    public const string PasscodeHmacKey = "Passcodes:HmacKey";

    public static void Apply(WebApplicationBuilder builder, string dataPath)
    {
        var configuration = builder.Configuration;
        if (!builder.Environment.IsDevelopment())
        {
            if (string.IsNullOrWhiteSpace(configuration["Smtp:Host"]))
            {
                throw new InvalidOperationException(
                    "Smtp:Host must be set outside Development: passcodes would otherwise be written to the development outbox.");
            }

            return; // Passcodes:HmacKey is validated at start-up by the Redis stores' options.
        }

        if (string.IsNullOrWhiteSpace(configuration[PasscodeHmacKey]))
        {
            var file = Path.Combine(dataPath, "keys", "passcode-hmac.key");
            configuration[PasscodeHmacKey] = LoadOrCreate(file);
        }
    }

    private static string LoadOrCreate(string file)
    {
        if (File.Exists(file))
        {
            return File.ReadAllText(file).Trim();
        }

        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
        File.WriteAllText(file, key);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
