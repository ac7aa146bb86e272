using System.Security.Cryptography;
using System.Text;

namespace StepUpIdp.Infrastructure.TwoStep;

/// <summary>
/// Single-use recovery codes: 10 per enrolment, 80 random bits each, so an unsalted fast hash cannot be
/// reversed offline; the hash is bound to the account so equal codes of two accounts never share a hash.
/// </summary>
public static class RecoveryCodes
{
    public const int Count = 10;

    // Crockford's base32: no I, L, O or U, so codes read aloud or copied by hand survive.
    private const string Alphabet = "0123456789abcdefghjkmnpqrstvwxyz";
    private const int Characters = 16;

    /// <summary>Codes as shown to the person: four groups of four, e.g. <c>7k2m-9q4t-xa3c-0bvw</c>.</summary>
    public static IReadOnlyList<string> Generate()
    {
        var codes = new string[Count];
        for (var i = 0; i < Count; i++)
        {
            var chars = new char[Characters];
            for (var c = 0; c < Characters; c++)
            {
                chars[c] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }

            var raw = new string(chars);
            codes[i] = string.Join('-', raw[..4], raw[4..8], raw[8..12], raw[12..]);
        }

        return codes;
    }

    /// <summary>Lower case, separators and spaces dropped; Crockford's look-alikes read as digits.</summary>
    public static string Normalize(string code) =>
        new(code.Trim().ToLowerInvariant()
            .Where(char.IsAsciiLetterOrDigit)
            .Select(c => c switch { 'o' => '0', 'i' or 'l' => '1', _ => c })
            .ToArray());

    public static string Hash(string accountId, string code) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(accountId + "\n" + Normalize(code))));
}
