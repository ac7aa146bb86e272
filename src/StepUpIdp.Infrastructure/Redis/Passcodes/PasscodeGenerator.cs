using System.Security.Cryptography;

namespace StepUpIdp.Infrastructure.Redis.Passcodes;

/// <summary>Uniform random numeric passcodes from the operating system's CSPRNG.</summary>
internal static class PasscodeGenerator
{
    public static string NewCode(int digits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(digits, 6);
        return string.Create(digits, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
            }
        });
    }
}
